// Override impact across domains through the real server: core names the domains that take its
// packages (rust and extras, local checkouts here), and the lens on a core package counts what
// rebuilds in each of them, from their stubs' reverse graphs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../../server/src/cli/lspClient';
import { createExampleUniverse } from '../../scripts/example-universe';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

test('the lens on openssl in core counts rebuilds in rust and extras too, and references reach them', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nd-impact-'));
  const universe = await createExampleUniverse(path.join(tmp, 'universe'));
  const client = await LspClient.start(universe.core, SERVER, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });
  try {
    await client.waitForIndex();
    const file = path.join(universe.core, 'pkgs/by-name/op/openssl/package.nix');
    const uri = await client.open(file, readFileSync(file, 'utf8'));
    const lenses = await client.request<{ range: unknown; data: unknown }[]>('textDocument/codeLens', { textDocument: { uri } });
    const resolved = await client.request<{
      command: { title: string; arguments: [{ groups: { domain: string; items: { label: string }[] }[] }] };
    }>('codeLens/resolve', lenses[0]);
    const groups = resolved.command.arguments[0].groups;
    assert.match(resolved.command.title, /\(core \d+ · .*rust \d+/);
    const rust = groups.find((g) => g.domain === 'rust');
    assert.ok(
      rust?.items.some((i) => i.label === 'cargo-audit'),
      JSON.stringify(groups),
    );
    // References include the packages of other domains that take openssl.
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => /pname = "openssl"/.test(l));
    const refs = await client.request<{ uri: string }[]>('textDocument/references', {
      textDocument: { uri },
      position: { line, character: lines[line]!.indexOf('openssl') + 1 },
      context: { includeDeclaration: false },
    });
    assert.ok(
      refs.some((r) => r.uri.endsWith('/rust/pkgs/by-name/ca/cargo-audit/package.nix')),
      refs.map((r) => r.uri).join('\n'),
    );
    // References on a maintainer handle of core reach the packages of rust that name it.
    const list = path.join(universe.core, 'maintainers/maintainer-list.nix');
    const listText = readFileSync(list, 'utf8');
    const listUri = await client.open(list, listText);
    const zoe = listText.split('\n').findIndex((l) => /^ {2}zoe = \{/.test(l));
    const handleRefs = await client.request<{ uri: string }[]>('textDocument/references', {
      textDocument: { uri: listUri },
      position: { line: zoe, character: 3 },
      context: { includeDeclaration: false },
    });
    assert.ok(
      handleRefs.some((r) => r.uri.endsWith('/rust/pkgs/by-name/ca/cargo-audit/package.nix')),
      handleRefs.map((r) => r.uri).join('\n'),
    );
  } finally {
    await client.stop();
  }
});
