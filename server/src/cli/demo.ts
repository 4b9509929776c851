import { STATUS_REQUEST, WAVE_PLAN_REQUEST } from '../../../shared/protocol';
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
  for (const domain of ['core', 'rust', 'extras'] as const)
    say(`  ${domain.padEnd(7)} ${universe[domain]}  (main at ${universe.revisions[domain]?.slice(0, 12)})`);

  const root = universe.core;
  const client = await LspClient.start(root);
  try {
    await client.waitForIndex();
    const status = await client.request(STATUS_REQUEST);
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
    for (const name of formals
      .split(/[\s,]+/)
      .filter((n) => /^[a-z][\w-]*$/i.test(n))
      .slice(0, 3)) {
      await show(`Hover on input '${name}'`, name);
    }

    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'python' });
    say(
      `\n── Workspace symbols for "python": ${symbols
        .slice(0, 6)
        .map((s) => s.name)
        .join(', ')}${symbols.length > 6 ? ', …' : ''}`,
    );

    // Override impact: what rebuilds if openssl changes, in core and in the domains that take it.
    const openssl = path.join(root, 'pkgs/by-name/op/openssl/package.nix');
    const opensslUri = await client.open(openssl, await fs.readFile(openssl, 'utf8'));
    const lenses = await client.request<{ range: unknown; data: unknown }[]>('textDocument/codeLens', {
      textDocument: { uri: opensslUri },
    });
    if (lenses[0]) {
      const lens = await client.request<{ command?: { title: string } }>('codeLens/resolve', lenses[0]);
      say(`\n── Code lens on ${path.relative(root, openssl)}: ${lens.command?.title ?? '(none)'}`);
    }
    const plan = await client.request(WAVE_PLAN_REQUEST, { format: 'text' });
    say(
      `\n── Wave plan (\`nix-domains wave\`, or the command "Nix Domains: Show Wave Plan")\n${indent(plan.split('\n').slice(0, 9).join('\n'))}`,
    );

    const diagnostics: PublishDiagnosticsParams = client.diagnostics.get(uri) ?? (await client.nextDiagnostics(uri));
    say(`\n── Diagnostics for ${path.relative(root, file)}: ${diagnostics.diagnostics.length === 0 ? 'none' : ''}`);
    for (const d of diagnostics.diagnostics) say(`   line ${d.range.start.line + 1}: ${d.message}`);
  } finally {
    await client.stop();
  }
  await showOtherDomain(universe.rust);
  return 0;
}

/** The rust domain takes core as a flake input: F12 on `openssl` lands in core's file, the hover says where from. */
async function showOtherDomain(rust: string): Promise<void> {
  const client = await LspClient.start(rust);
  try {
    await client.waitForIndex();
    const file = path.join(rust, 'pkgs/by-name/ca/cargo-audit/package.nix');
    const text = await fs.readFile(file, 'utf8');
    const uri = await client.open(file, text);
    const pos = positionOf(text, 'openssl,');
    if (!pos) return;
    say(`\n── In domain rust, ${path.relative(rust, file)}:${pos.line + 1}: the input 'openssl' comes from domain core`);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: pos });
    if (hover && typeof hover.contents === 'object' && 'value' in hover.contents) say(indent(hover.contents.value));
    const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: pos });
    for (const def of defs)
      say(`   F12 → ${def.uri.startsWith('file:') ? URI.parse(def.uri).fsPath : def.uri}:${def.range.start.line + 1}`);
    for (const line of client.log.filter((l) => l.startsWith('[stubs]'))) say(`   log: ${line}`);
  } finally {
    await client.stop();
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}

function positionOf(text: string, needle: string): { line: number; character: number } | undefined {
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
