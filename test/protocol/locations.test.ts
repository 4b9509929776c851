// The locations the server answers with (references here) name each file by the URI an editor
// gives it, `URI.file(path).toString()`, whatever characters the domain's folder and the file's
// path hold: the server joins the root's URI and a plain path itself, and leaves the others to vscode-uri.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Location } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { LspClient } from '../../server/src/cli/lspClient';
import { cursor, packageFile, writeFiles } from '../helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

test('reference locations carry the URI vscode-uri gives each file, in a folder that needs escaping', async () => {
  // A space and a plus in the domain's own folder: its URI escapes both.
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd loc+'));
  const files: Record<string, string> = {
    'pkgs/top-level/all-packages.nix': [
      '{ callPackage }:',
      '{',
      '  zlib = callPackage ../development/libraries/zlib { };',
      '  plus = callPackage ../tools/c++/plus { };',
      '  tilde = callPackage ../tools/a~b { };',
      '}',
      '',
    ].join('\n'),
    'pkgs/development/libraries/zlib/default.nix': packageFile('zlib'),
    // A plain path, a path with a character vscode-uri escapes (+), and one it keeps (~).
    'pkgs/by-name/he/hello/package.nix': packageFile('hello', ['zlib']),
    'pkgs/tools/c++/plus/default.nix': packageFile('plus', ['zlib']),
    'pkgs/tools/a~b/default.nix': packageFile('tilde', ['zlib']),
  };
  writeFiles(root, files);
  const client = await LspClient.start(root, SERVER, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: path.join(root, '.cache-home') },
  });
  try {
    await client.waitForIndex();
    const zlib = 'pkgs/development/libraries/zlib/default.nix';
    const uri = await client.open(path.join(root, zlib), files[zlib]!);
    const locations = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri },
      position: cursor(root, zlib, 'pname = "z|lib"'),
      context: { includeDeclaration: false },
    });
    const users = ['pkgs/by-name/he/hello/package.nix', 'pkgs/tools/c++/plus/default.nix', 'pkgs/tools/a~b/default.nix'];
    assert.deepEqual(locations.map((l) => l.uri).sort(), users.map((f) => URI.file(path.join(root, f)).toString()).sort());
    for (const location of locations) {
      const file = URI.parse(location.uri).fsPath;
      const line = readFileSync(file, 'utf8').split('\n')[location.range.start.line]!;
      assert.equal(line.slice(location.range.start.character, location.range.end.character), 'zlib', location.uri);
    }
    // The three inputs sit at the same place in their files (the server makes one range object for
    // that span; JSON cannot show it): the same range three times.
    assert.deepEqual(locations[0]!.range, locations[1]!.range);
    assert.deepEqual(locations[1]!.range, locations[2]!.range);
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
