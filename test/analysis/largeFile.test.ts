import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractFacts, type Val } from '../../server/src/analysis/facts';
import { factsOfLargeFile, mergeLargeFileParts } from '../../server/src/analysis/largeFile';
import { NixParser } from '../../server/src/analysis/parser';

/** The large-file scan must give the same bindings, values and positions as a full parse. */
async function check(source: string, chunkBytes: number) {
  const parser = await NixParser.create();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nd-large-'));
  const file = path.join(dir, 'all-packages.nix');
  writeFileSync(file, source);
  const tree = parser.parse(source);
  const full = extractFacts('pkgs/top-level/all-packages.nix', tree);
  tree.delete();
  const scanned = await factsOfLargeFile('pkgs/top-level/all-packages.nix', file, parser, chunkBytes);
  assert.equal(full.value.k, 'set');
  assert.equal(scanned.value.k, 'set');
  const strip = (v: Val) =>
    JSON.parse(
      JSON.stringify((v as { attrs: unknown }).attrs, (k, x) => (k === 'span' && Array.isArray(x) && x.length === 4 ? undefined : x)),
    );
  // Names, values and the spans of binding names must match exactly.
  assert.deepEqual(strip(scanned.value), strip(full.value));
  const names = (v: Val) => (v as { attrs: { name: string; span: number[] }[] }).attrs.map((a) => [a.name, a.span]);
  assert.deepEqual(names(scanned.value), names(full.value));
  assert.deepEqual(scanned.errors, full.errors);
  assert.deepEqual(full.errors, [], 'the sample is valid Nix');
  // Read in parts (several workers at once), put together: the same facts as one scan.
  for (const of of [2, 3]) {
    const parts = [];
    for (let index = 0; index < of; index++)
      parts.push(await factsOfLargeFile('pkgs/top-level/all-packages.nix', file, parser, chunkBytes, { index, of }));
    assert.deepEqual(mergeLargeFileParts(parts), scanned, `in ${of} parts`);
  }
  return scanned;
}

const SAMPLE = `# A header comment with { braces } and ; semicolons
self: super: with self; {
  /* block comment; with = signs */
  python3 = python311;
  inherit (pythonInterpreters) python311 python312;
  hello = callPackage ../by-name/he/hello/package.nix { };
  jq = callPackage ../tools/misc/jq {
    stdenv = if stdenv.isDarwin then clangStdenv else stdenv;
    inherit openssl;
  };
  "quoted-name" = callPackage ./q.nix { note = "a string; with } braces"; };
  "ünïcode" = callPackage ./u.nix { s = ''indented ''\${not} ''' ; }'' ; };
  interp = callPackage ./i.nix { s = "\${if true then "}" else "{"}"; };
  nested.deep = callPackage ./n.nix { };
  set = { a = callPackage ./a.nix { }; b = callPackage ./b.nix { }; };
}
`;

test('a large package set scanned in chunks equals the full parse', async () => {
  for (const chunk of [7, 64, 4096]) await check(SAMPLE, chunk);
});

test('formals before the set and many bindings in batches', async () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `  pkg${i} = callPackage ../pkgs/pkg${i} { dep = pkg${Math.max(0, i - 1)}; };`);
  const scanned = await check(`{ lib, newScope, ... }:\nlib.makeScope newScope (self: with self; {\n${lines.join('\n')}\n})\n`, 1000);
  assert.equal(scanned.value.k === 'set' && scanned.value.attrs.length, 3000);
});

test('a large file read in two parts: each part parses some of the bindings, and errors keep their order and bound', async () => {
  const parser = await NixParser.create();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nd-large-'));
  const file = path.join(dir, 'all-packages.nix');
  const lines = Array.from({ length: 3000 }, (_, i) => (i % 20 === 7 ? `  broken${i} = ;` : `  pkg${i} = callPackage ./p${i}.nix { };`));
  writeFileSync(file, `self: super: {\n${lines.join('\n')}\n}\n`);
  const whole = await factsOfLargeFile('pkgs/top-level/all-packages.nix', file, parser);
  const parts = [0, 1].map((index) => factsOfLargeFile('pkgs/top-level/all-packages.nix', file, parser, undefined, { index, of: 2 }));
  const [first, second] = await Promise.all(parts);
  const count = (f: { value: Val }) => (f.value.k === 'set' ? f.value.attrs.length : 0);
  assert.ok(count(first!) > 0 && count(second!) > 0, `both parts parse bindings: ${count(first!)} and ${count(second!)}`);
  assert.equal(count(first!) + count(second!), count(whole));
  assert.equal(whole.errors.length, 50, 'errors are bounded');
  assert.deepEqual(mergeLargeFileParts([first!, second!]), whole);
});
