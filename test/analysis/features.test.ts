// Each feature at the analysis level, with the situation written inline and a cursor marker:
// one check() per feature, so a case is a line of data.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { completionAcross } from '../../server/src/analysis/across/completion';
import { definitionAcross } from '../../server/src/analysis/across/definition';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { referencesAcross } from '../../server/src/analysis/across/references';
import { workspaceSymbolsAcross } from '../../server/src/analysis/across/symbols';
import type { Where } from '../../server/src/analysis/across/where';
import { documentSymbols } from '../../server/src/analysis/features/symbols';
import { situation, TOP, unlimited, type Files } from './inline';

const place = (w: Where) => (w.kind === 'local' ? `${w.place.file}:${w.place.span[0] + 1}` : `${w.kind}`);

/** A domain: a top-level set with a callPackage line and an alias, a by-name package, and a package taking both. */
function domain(marked: Partial<Files> = {}): Files {
  return {
    [TOP]: `{ lib, callPackage, ... }:
self: {
  zlib = callPackage ../development/zlib { };
  libz = zlib;
  hello = callPackage ../applications/hello { };
}
`,
    'pkgs/development/zlib/default.nix': `{ stdenv }:
stdenv.mkDerivation {
  pname = "zlib";
  version = "1.3";
  meta.description = "Lossless data compression";
}
`,
    'pkgs/by-name/cu/curl/package.nix': `{ stdenv, zlib }:
stdenv.mkDerivation {
  pname = "curl";
  meta.description = "Transfers files";
}
`,
    'pkgs/applications/hello/default.nix': `{ stdenv, libz, curl }:
stdenv.mkDerivation {
  pname = "hello";
  meta.description = "Says hello";
}
`,
    ...marked,
  } as Files;
}

const HELLO = 'pkgs/applications/hello/default.nix';
const withCursor = (file: string, text: string, needle: string, marked: string): Files => {
  if (!text.includes(needle)) throw new Error(`${needle} not in ${file}`);
  return domain({ [file]: text.replace(needle, marked) });
};
const helloAt = (needle: string, marked: string) => withCursor(HELLO, domain()[HELLO]!, needle, marked);

async function checkDefinition(files: Files, expected: string[]) {
  const s = await situation(files);
  assert.deepEqual((await definitionAcross(s.session, s.file, s.pos, unlimited())).map(place), expected);
}

async function checkHover(files: Files, expected: RegExp[]) {
  const s = await situation(files);
  const answer = await hoverAcross(s.session, s.file, s.pos, unlimited());
  if (expected.length === 0) return assert.equal(answer, undefined);
  assert.ok(answer, 'a hover');
  for (const re of expected) assert.match(answer.markdown, re);
}

async function checkReferences(files: Files, expected: string[]) {
  const s = await situation(files);
  assert.deepEqual((await referencesAcross(s.session, s.file, s.pos, true, unlimited())).map(place).sort(), [...expected].sort());
}

async function checkCompletion(files: Files, includes: string[], excludes: string[] = []) {
  const s = await situation(files);
  const labels = (await completionAcross(s.session, s.file, s.pos, unlimited()))?.items.map((i) => i.label) ?? [];
  for (const label of includes) assert.ok(labels.includes(label), `${label} offered (got ${labels.slice(0, 10).join()})`);
  for (const label of excludes) assert.ok(!labels.includes(label), `${label} not offered`);
}

async function checkWorkspaceSymbols(query: string, expected: string[]) {
  const s = await situation(helloAt('{ stdenv', '{ |stdenv'));
  assert.deepEqual(
    (await workspaceSymbolsAcross(s.session, query, unlimited())).map((x) => x.name),
    expected,
  );
}

async function checkDocumentSymbols(files: Files, expected: string[]) {
  const s = await situation(files);
  const names = await s.session.analyzer.withDocument(s.file, (doc) => documentSymbols(doc).map((x) => x.name));
  assert.deepEqual(names, expected);
}

describe('definition', () => {
  test('an input lands where the package is built, at meta.description', () =>
    checkDefinition(helloAt('libz, curl', 'libz, cu|rl'), ['pkgs/by-name/cu/curl/package.nix:4']));
  test('an alias is followed to the file it stands for', () =>
    checkDefinition(helloAt('libz,', 'li|bz,'), ['pkgs/development/zlib/default.nix:5']));
  test('a name nothing defines goes nowhere', () => checkDefinition(helloAt('curl }', 'curl, nothing|here }'), []));
});

describe('hover', () => {
  test('an input shows the package card with its dependants', () =>
    checkHover(helloAt('libz, curl', 'libz, cu|rl'), [/\*\*curl\*\* · `core`/, /Transfers files/, /Direct dependants: 1/]));
  test('an alias says what it resolves to', () =>
    checkHover(helloAt('libz,', 'li|bz,'), [/\*\*zlib\*\*/, /`libz` resolves to `zlib`/, /Lossless data compression/]));
  test('a name nothing defines has no hover', () => checkHover(helloAt('curl }', 'curl, nothing|here }'), []));
});

describe('references', () => {
  test('a package: its definition, the inputs that take it and the alias', () =>
    checkReferences(withCursor('pkgs/by-name/cu/curl/package.nix', domain()['pkgs/by-name/cu/curl/package.nix']!, 'zlib }', 'zl|ib }'), [
      'pkgs/development/zlib/default.nix:5',
      'pkgs/by-name/cu/curl/package.nix:1',
      `${TOP}:4`,
      'pkgs/applications/hello/default.nix:1',
    ]));
  test('a by-name package: its file and the input that takes it', () =>
    checkReferences(helloAt('libz, curl', 'libz, cu|rl'), ['pkgs/by-name/cu/curl/package.nix:4', 'pkgs/applications/hello/default.nix:1']));
});

describe('completion', () => {
  test('package names in the formals', () => checkCompletion(helloAt('curl }', 'curl, he| }'), ['hello']));
  test('of many packages, the shortest few hundred that match, and the list says it is incomplete', async () => {
    // 1,000 packages `lib0` … `lib999` beside the domain's own: `li` matches them all.
    const bindings = Array.from({ length: 1000 }, (_, i) => `  lib${i} = callPackage ../development/zlib { };`).join('\n');
    const top = domain()[TOP]!.replace('  libz = zlib;', `  libz = zlib;\n${bindings}`);
    const at = (typed: string) => domain({ [TOP]: top, [HELLO]: domain()[HELLO]!.replace('curl }', `curl, ${typed}| }`) });
    const s = await situation(at('li'));
    const answer = await completionAcross(s.session, s.file, s.pos, unlimited());
    const labels = answer?.items.map((i) => i.label) ?? [];
    assert.equal(labels.length, 200);
    assert.equal(answer?.isIncomplete, true);
    // Shortest first, then by name: the `lib` input, lib0 … lib9, libz, lib10 … lib99, then lib100 … lib197.
    const expected = [
      'lib',
      ...Array.from({ length: 10 }, (_, i) => `lib${i}`),
      'libz',
      ...Array.from({ length: 188 }, (_, i) => `lib${i + 10}`),
    ];
    assert.deepEqual(labels, expected);
    const none = await situation(at('lib99'));
    const few = await completionAcross(none.session, none.file, none.pos, unlimited());
    assert.deepEqual(few?.items.map((i) => i.label).slice(0, 11), [
      'lib99',
      'lib990',
      'lib991',
      'lib992',
      'lib993',
      'lib994',
      'lib995',
      'lib996',
      'lib997',
      'lib998',
      'lib999',
    ]);
  });
  test('members of the package set after self.', () =>
    checkCompletion(withCursor(TOP, domain()[TOP]!, '  libz = zlib;', '  libz = self.z|;'), ['zlib'], ['stdenv']));
});

describe('symbols', () => {
  test('workspace symbols: a prefix match', () => checkWorkspaceSymbols('he', ['hello']));
  // `libz = zlib;` in the top-level set is a name of zlib users search for too.
  test('workspace symbols: substring matches, shortest first', () => checkWorkspaceSymbols('l', ['libz', 'curl', 'zlib', 'hello']));
  test("the outline of a package file: its inputs, then its derivation's attributes", () =>
    checkDocumentSymbols(helloAt('{ stdenv', '{ |stdenv'), ['stdenv', 'libz', 'curl', 'pname', 'meta.description']));
});
