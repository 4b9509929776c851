// The maintainers list open in the editor: a 30,000-entry file is not re-parsed per keystroke;
// an edit rescans only the entries it touches, and the new handle is known at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CompletionList, Hover } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { LspClient } from '../../server/src/cli/lspClient';
import { writeMaintainerList } from '../maintainers/generate';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

test('editing the open 30,000-entry maintainers list updates its handles, and the server keeps answering', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd-list-'));
  mkdirSync(path.join(root, 'maintainers'));
  mkdirSync(path.join(root, 'lib'));
  mkdirSync(path.join(root, 'pkgs', 'by-name', 'pp', 'p'), { recursive: true });
  const list = path.join(root, 'maintainers', 'maintainer-list.nix');
  writeMaintainerList(list, { entries: 30000, seed: 3 });
  writeFileSync(path.join(root, 'lib', 'default.nix'), '{ maintainers = import ../maintainers/maintainer-list.nix; }\n');
  const pkgFile = path.join(root, 'pkgs', 'by-name', 'pp', 'p', 'package.nix');
  const pkg =
    '{ lib, stdenv }:\nstdenv.mkDerivation {\n  pname = "p";\n  version = "1";\n  meta.maintainers = with lib.maintainers; [ zz-newcomer ];\n}\n';
  writeFileSync(pkgFile, pkg);
  const client = await LspClient.start(root, SERVER, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: path.join(root, '.cache-home') },
  });
  try {
    await client.waitForIndex();
    const pkgUri = await client.open(pkgFile, pkg);
    const before = client.diagnostics.get(pkgUri) ?? (await client.nextDiagnostics(pkgUri));
    assert.ok(
      before.diagnostics.some((d) => d.code === 'unknown-maintainer'),
      'zz-newcomer is unknown at first',
    );

    const text = readFileSync(list, 'utf8');
    const listUri = URI.file(list).toString();
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: listUri, languageId: 'nix', version: 1, text },
    });
    // Add an entry right after the opening brace of the set, as a contributor would.
    const at = text.indexOf('{', text.indexOf('*/'));
    const line = text.slice(0, at).split('\n').length - 1;
    const character = text.slice(0, at).split('\n').pop()!.length + 1;
    const entry = '\n  zz-newcomer = {\n    name = "New Comer";\n    github = "zz-newcomer";\n    githubId = 42;\n  };';
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: listUri, version: 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: entry }],
    });
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: pkgUri },
      position: { line: 4, character: 48 },
    });
    assert.ok(hover, `no hover; server log:\n${client.log.join('\n')}`);
    assert.match((hover.contents as { value: string }).value, /New Comer/);
    const completion = await client.request<CompletionList>('textDocument/completion', {
      textDocument: { uri: pkgUri },
      position: { line: 4, character: 49 },
    });
    assert.ok(completion.items.some((i) => i.label === 'zz-newcomer'));
  } finally {
    await client.stop();
  }
});
