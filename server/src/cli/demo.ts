import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hover, Location, PublishDiagnosticsParams, SymbolInformation } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { createExampleUniverse } from '../../../scripts/example-universe';
import { LspClient } from './lspClient';

/**
 * The demo: creates the example universe as real git repositories, starts the real server on
 * a domain over stdio and prints what a user would see for a few requests.
 */
export async function runDemo(dir?: string): Promise<number> {
  const target = path.resolve(dir ?? path.join(os.tmpdir(), 'nix-domains-demo'));
  const universe = await createExampleUniverse(target);
  say(`Example universe created in ${target}`);
  for (const domain of ['core', 'rust', 'extras'] as const) say(`  ${domain.padEnd(7)} ${universe[domain]}  (main at ${universe.revisions[domain]?.slice(0, 12)})`);

  const root = universe.core;
  const client = await LspClient.start(root);
  try {
    await client.waitForIndex();
    const status = await client.request<{ files: number; packages: number; domain: string }>('nixDomains/status', undefined);
    say(`\nThe server indexed domain '${status.domain}': ${status.files} files, ${status.packages} packages.`);

    const file = path.join(root, 'pkgs/development/python-modules/numpy/default.nix');
    const text = await fs.readFile(file, 'utf8');
    const uri = await client.open(file, text);
    const show = async (label: string, needle: string) => {
      const pos = positionOf(text, needle);
      if (!pos) return;
      say(`\n── ${label}: ${path.relative(root, file)}:${pos.line + 1}:${pos.character + 1} (${needle.trim()})`);
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: pos });
      const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '(no hover)';
      say(indent(value));
      const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: pos });
      for (const def of defs) say(`   F12 → ${path.relative(root, URI.parse(def.uri).fsPath)}:${def.range.start.line + 1}`);
    };
    const formals = /^\{([^}]*)\}/m.exec(text)?.[1] ?? '';
    for (const name of formals.split(/[\s,]+/).filter((n) => /^[a-z][\w-]*$/i.test(n)).slice(0, 3)) {
      await show(`Hover on input '${name}'`, name);
    }

    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'python' });
    say(`\n── Workspace symbols for "python": ${symbols.slice(0, 6).map((s) => s.name).join(', ')}${symbols.length > 6 ? ', …' : ''}`);

    const extrasFile = (await findFiles(universe.extras)).find((f) => f.endsWith('package.nix'));
    if (extrasFile) say(`\nOther domains (rust, extras) take core as a flake input; open ${path.relative(target, extrasFile)} in VS Code to jump across.`);

    const diagnostics: PublishDiagnosticsParams = client.diagnostics.get(uri) ?? await client.nextDiagnostics(uri);
    say(`\n── Diagnostics for ${path.relative(root, file)}: ${diagnostics.diagnostics.length === 0 ? 'none' : ''}`);
    for (const d of diagnostics.diagnostics) say(`   line ${d.range.start.line + 1}: ${d.message}`);
  } finally {
    await client.stop();
  }
  return 0;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function indent(text: string): string {
  return text.split('\n').map((l) => `   ${l}`).join('\n');
}

function positionOf(text: string, needle: string): { line: number; character: number } | undefined {
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

async function findFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findFiles(full)));
    else out.push(full);
  }
  return out;
}
