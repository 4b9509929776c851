// The repository is read by people who have only the repository: every relative link in its
// Markdown leads to a file inside it, and nothing a user reads points to the development
// machine's ../shared folder (only the tests that clone the real corpus from there may).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
/** Files allowed to name ../shared: they read the real-domain corpus that CI keeps beside the checkout. */
const READS_CORPUS = new Set(['test/corpus.ts', 'test/docs/selfContained.test.ts']);

test('nothing outside the corpus readers refers to ../shared', () => {
  const offenders: string[] = [];
  for (const file of tracked) {
    if (READS_CORPUS.has(file) || /\.(png|wasm|vsix|bundle)$/.test(file)) continue;
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    text.split('\n').forEach((line, i) => {
      // `../../shared/protocol` from client/src is the repository's own shared/ folder: only a
      // path that climbs out of the repository, or the machine's /work/shared, is an offence.
      const outside = [...line.matchAll(/((?:\.\.\/)+)shared\b/g)].some(
        (m) => !(path.resolve(ROOT, path.dirname(file), m[1]!) + path.sep).startsWith(ROOT + path.sep),
      );
      if (outside || /\/work\/shared\b|\bshared\/DESIGN\.md/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

test('every relative link in the Markdown leads to a file of the repository', () => {
  const broken: string[] = [];
  const markdown = tracked.filter((f) => f.endsWith('.md'));
  assert.ok(markdown.includes('docs/DESIGN.md'), 'the design document is part of the repository');
  for (const file of markdown) {
    const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) continue;
      // The marketplace page becomes the README at the root of the .vsix: its links start there.
      const base = file === 'docs/marketplace.md' ? ROOT : path.resolve(ROOT, path.dirname(file));
      const target = path.resolve(base, decodeURIComponent(link.split('#')[0]!));
      const inside = target === ROOT || target.startsWith(ROOT + path.sep);
      if (!inside || !existsSync(target)) broken.push(`${file}: ${link}${inside ? '' : ' (outside the repository)'}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the README and ARCHITECTURE link the design document', () => {
  for (const file of ['README.md', 'ARCHITECTURE.md']) {
    assert.match(readFileSync(path.join(ROOT, file), 'utf8'), /\]\(docs\/DESIGN\.md\)/, file);
  }
});
