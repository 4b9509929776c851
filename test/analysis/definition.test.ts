import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definition } from '../../server/src/analysis/features/definition';
import { cursor, FIXTURE, fixtureAnalyzer } from '../helpers';

/** Asserts that go-to-definition at the marked cursor lands in `file` on `line` (1-based), or nowhere. */
async function check(file: string, marked: string, expected: { file: string; line?: number } | null) {
  const analyzer = await fixtureAnalyzer();
  const result = await analyzer.withDocument(file, (doc) => definition(analyzer, doc, cursor(FIXTURE, file, marked)));
  if (expected === null) {
    assert.deepEqual(result, [], `${marked}: expected no definition`);
    return;
  }
  assert.ok(result && result.length > 0, `${marked}: no definition`);
  assert.equal(result[0]!.file, expected.file, marked);
  if (expected.line !== undefined) assert.equal(result[0]!.span[0] + 1, expected.line, `${marked}: line`);
}

const HELLO = 'pkgs/by-name/he/hello/package.nix';
const NUMPY = 'pkgs/development/python-modules/numpy/default.nix';
const CPYTHON = 'pkgs/development/interpreters/python/cpython/default.nix';

test('a formal naming a by-name package lands in its package.nix, where meta.position points', async () => {
  await check(HELLO, '{ lib, stdenv, fetchurl, z|lib', { file: 'pkgs/by-name/zl/zlib/package.nix', line: 3 });
});

test('an alias is followed through inherit and a callPackage set to the file that builds it', async () => {
  await check(HELLO, 'zlib, py|thon3, jq', { file: CPYTHON, line: 9 });
});

test('an input of a package in a nested set resolves in its own set first', async () => {
  await check(NUMPY, ', req|uests', { file: 'pkgs/development/python-modules/requests/default.nix', line: 7 });
});

test('a formal after a comment, with a default and @args still resolves', async () => {
  await check(NUMPY, ', pyth|on3 # the', { file: CPYTHON, line: 9 });
});

test('a callPackage line in all-packages.nix with override arguments', async () => {
  await check(HELLO, 'python3, j|q, curl', { file: 'pkgs/tools/misc/jq/default.nix', line: 3 });
});

test('a by-name folder whose file is default.nix', async () => {
  await check('pkgs/tools/misc/jq/default.nix', 'fetchurl, open|ssl', { file: 'pkgs/by-name/op/openssl/default.nix', line: 6 });
});

test('an unversioned name bound by a packages.nix group lands on the version it points at', async () => {
  await check('pkgs/tools/misc/jq/default.nix', 'openssl, abs|eil-cpp', { file: 'pkgs/by-name/ab/abseil-cpp/202401.nix', line: 3 });
});

test('an alias to an alias of a by-name package', async () => {
  await check(HELLO, 'curl, openssl|_3', { file: 'pkgs/by-name/op/openssl/default.nix' });
});

test('a file that is a function returning a function: the first formals are the inputs', async () => {
  await check('pkgs/by-name/cu/curl/package.nix', '{ lib, stdenv, fetch|url }', { file: 'pkgs/build-support/fetchurl/default.nix' });
});

test('inside the body, a use of an input goes to the formal', async () => {
  await check(HELLO, 'buildInputs = [ zl|ib', { file: HELLO, line: 1 });
});

test('lib.strings.foo and lib.foo land on the lib function', async () => {
  await check(HELLO, 'lib.strings.concatMap|Strings', { file: 'lib/strings.nix', line: 10 });
  await check(HELLO, 'lib.optional|String', { file: 'lib/strings.nix', line: 13 });
});

test('a path in callPackage goes to the file', async () => {
  await check('pkgs/top-level/all-packages.nix', '../tools/misc/j|q {', { file: 'pkgs/tools/misc/jq/default.nix', line: 1 });
});

test('a binding name in all-packages.nix goes to what it defines', async () => {
  await check('pkgs/top-level/all-packages.nix', 'pyth|on3 = python311', { file: CPYTHON, line: 9 });
});

test('packagesFromDirectoryRecursive members resolve to their files', async () => {
  const analyzer = await fixtureAnalyzer();
  const games = analyzer.resolver.lookupGlobal('games');
  const chess = games && analyzer.resolver.select(games, 'chess');
  const stockfish = chess && analyzer.resolver.select(chess, 'stockfish');
  assert.equal(stockfish?.file, 'pkgs/games/chess/stockfish/package.nix');
});

test('a reference to a package that does not exist resolves to nothing and does not throw', async () => {
  await check('pkgs/top-level/all-packages.nix', 'broken-alias = does-not|-exist', null);
  await check(HELLO, 'openssl_3, mystery|-dependency', null);
});

test('local let bindings', async () => {
  await check('lib/default.nix', 'in l|ib', { file: 'lib/default.nix', line: 4 });
});
