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
const ZLIB = 'pkgs/development/libraries/zlib/default.nix';

/**
 * A domain of zlib and `plus`, which takes it from a folder whose URI escapes a character
 * (`pkgs/tools/c++`), with more top-level `bindings` and `files`.
 */
function zlibDomain(bindings: readonly string[], files: Record<string, string>): Record<string, string> {
  return {
    'pkgs/top-level/all-packages.nix': [
      '{ callPackage }:',
      '{',
      '  zlib = callPackage ../development/libraries/zlib { };',
      '  plus = callPackage ../tools/c++/plus { };',
      ...bindings,
      '}',
      '',
    ].join('\n'),
    [ZLIB]: packageFile('zlib'),
    'pkgs/tools/c++/plus/default.nix': packageFile('plus', ['zlib']),
    ...files,
  };
}

/** Writes the domain, and asks the real server for the references of zlib (its declaration left out). */
async function referencesOfZlib(root: string, files: Record<string, string>): Promise<Location[]> {
  writeFiles(root, files);
  const client = await LspClient.start(root, SERVER, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: path.join(root, '.cache-home') },
  });
  try {
    await client.waitForIndex();
    const uri = await client.open(path.join(root, ZLIB), files[ZLIB]!);
    return await client.request<Location[]>('textDocument/references', {
      textDocument: { uri },
      position: cursor(root, ZLIB, 'pname = "z|lib"'),
      context: { includeDeclaration: false },
    });
  } finally {
    await client.stop();
  }
}

test('reference locations carry the URI vscode-uri gives each file, in a folder that needs escaping', async () => {
  // A space and a plus in the domain's own folder: its URI escapes both.
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd loc+'));
  // A plain path, a path with a character vscode-uri escapes (+), and one it keeps (~).
  const files = zlibDomain(['  tilde = callPackage ../tools/a~b { };'], {
    'pkgs/by-name/he/hello/package.nix': packageFile('hello', ['zlib']),
    'pkgs/tools/a~b/default.nix': packageFile('tilde', ['zlib']),
  });
  try {
    const locations = await referencesOfZlib(root, files);
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
    rmSync(root, { recursive: true, force: true });
  }
});

test('a long references answer (made as it is written, a slice at a time) names every place, with its URI and range', {
  timeout: 120_000,
}, async () => {
  // 1,100 packages that take zlib, and one in a folder whose URI escapes a character: 1,101 places,
  // past the length from which the server writes an answer a slice at a time, each from its JSON
  // made without the location. The domain's folder holds a space and a plus, which its URI escapes.
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd long+refs-'));
  const users = Array.from({ length: 1_100 }, (_, i) => `pkgs/by-name/us/user-${i}/package.nix`);
  const files = zlibDomain([], Object.fromEntries(users.map((file, i) => [file, packageFile(`user-${i}`, ['zlib'])])));
  try {
    const locations = await referencesOfZlib(root, files);
    // The input `zlib` of every file that takes it (its first line), as an editor names the file.
    const expected = [...users, 'pkgs/tools/c++/plus/default.nix'].map((file) => {
      const at = files[file]!.indexOf('zlib');
      return `${URI.file(path.join(root, file)).toString()}#0:${at}-0:${at + 4}`;
    });
    const key = (l: Location) => `${l.uri}#${l.range.start.line}:${l.range.start.character}-${l.range.end.line}:${l.range.end.character}`;
    assert.equal(expected.length, 1_101);
    // Compared as sets first: assert's diff of two long arrays takes minutes.
    const got = new Set(locations.map(key));
    const missing = expected.filter((e) => !got.has(e));
    const extra = [...got].filter((g) => !expected.includes(g));
    assert.deepEqual(
      { missing: missing.slice(0, 5), extra: extra.slice(0, 5) },
      { missing: [], extra: [] },
      `${missing.length} missing, ${extra.length} not expected`,
    );
    assert.equal(locations.length, expected.length, 'each place once');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
