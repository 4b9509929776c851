// Problems of `nix-domains.json`, shown in the manifest itself: invalid JSON at the place the
// parser stopped, a wrong type or unknown setting at the key that holds it. The stub layer,
// the waves and the impact settings fall back to their defaults for what is invalid; this
// says so where the user can fix it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseManifest } from '../manifest';
import type { ManifestProblem } from '../manifestValues';
import type { Span } from '../syntax';
import type { Diagnostic } from './diagnostics';

/** The diagnostics of a manifest file on disk (none when it does not exist). */
export async function manifestFileDiagnostics(file: string): Promise<Diagnostic[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? [] : manifestDiagnostics(text, path.basename(path.dirname(path.resolve(file))));
}

/** The diagnostics of a manifest's text: one per problem, placed at the key it names. */
export function manifestDiagnostics(text: string, folderName: string): Diagnostic[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const keys = keySpans(source);
  return parseManifest(source, folderName).problems.map((problem) => ({
    span: spanOf(source, problem, keys),
    severity: 'error' as const,
    code: 'manifest',
    message: `nix-domains.json: ${problem.message}`,
  }));
}

/** Where a problem is: the offset invalid JSON stopped at, else its key (a missing key at its nearest parent). */
function spanOf(text: string, problem: ManifestProblem, keys: Map<string, Span>): Span {
  if (problem.offset !== undefined) {
    const [line, col] = lineCol(text, Math.min(problem.offset, text.length));
    return [line, col, line, col];
  }
  const parts = problem.path.filter((p): p is string => typeof p === 'string');
  for (let n = parts.length; n > 0; n--) {
    const span = keys.get(parts.slice(0, n).join('.'));
    if (span) return span;
  }
  return [0, 0, 0, 0];
}

/** The span of every object key, by dotted path; best effort on broken JSON. */
function keySpans(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  // One frame per open container: the path to it, and the last key read in it (objects).
  const stack: { path: string[]; object: boolean; key?: string; expectKey: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      if (top?.object && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i)) as string;
        } catch {
          key = text.slice(start + 1, i - 1);
        }
        top.key = key;
        top.expectKey = false;
        const [l1, c1] = lineCol(text, start);
        const [l2, c2] = lineCol(text, Math.min(i, text.length));
        const keyPath = [...top.path, key].join('.');
        if (!spans.has(keyPath)) spans.set(keyPath, [l1, c1, l2, c2]);
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const parentPath = top ? (top.object ? [...top.path, top.key ?? ''] : top.path) : [];
      stack.push({ path: parentPath, object: c === '{', expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top?.object) {
      top.expectKey = true;
    }
    i++;
  }
  return spans;
}

function lineCol(text: string, offset: number): [number, number] {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return [line, offset - start];
}
