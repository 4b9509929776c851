// References of a much-used package (`stdenv`, `fetchurl`: tens of thousands of places) are kept
// until the next edit. The answer must be the same from the kept places, and an edit (one that
// keeps the structure, one that changes it) must not answer with stale ones.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { finishSteps } from '../../server/src/analysis/budget';
import { references } from '../../server/src/analysis/features/references';
import { tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const USERS = 1_100;
const user = (i: number, extra = '') =>
  `${extra}{ stdenv, zlib }:\nstdenv.mkDerivation { pname = "u${i}"; version = "1"; buildInputs = [ zlib ]; }\n`;

test('references of a much-used package answer the same when kept, and follow edits', async () => {
  const files: Record<string, string> = {
    'pkgs/by-name/zl/zlib/package.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
  };
  for (let i = 0; i < USERS; i++) files[`pkgs/by-name/u${i % 10}/u${i}/package.nix`] = user(i);
  const analyzer = await tempDomain(files, temps, 'nd-refcache-');
  // Asked from u5's input `zlib` (`{ stdenv, zlib }:`).
  const ask = async () => {
    const places = await analyzer.withDocument('pkgs/by-name/u5/u5/package.nix', (doc) =>
      references(analyzer, doc, { line: 0, character: 11 }, false),
    );
    return (places ?? []).map((p) => `${p.file}:${p.span.join(',')}`).sort();
  };
  const first = await ask();
  assert.equal(first.length, USERS, 'every input named zlib');
  assert.deepEqual(await ask(), first, 'the kept places are the same');
  // An edit that keeps the structure moves the place of zlib in u0 down a line.
  analyzer.openDocument('pkgs/by-name/u0/u0/package.nix', user(0, '# a comment\n'), 2);
  const moved = await ask();
  assert.ok(
    moved.includes('pkgs/by-name/u0/u0/package.nix:1,10,1,14'),
    `u0's zlib is on its second line now: ${moved.filter((p) => p.includes('/u0/u0/'))}`,
  );
  // One that drops the input drops the place.
  analyzer.openDocument('pkgs/by-name/u1/u1/package.nix', '{ stdenv }:\nstdenv.mkDerivation { pname = "u1"; version = "1"; }\n', 2);
  assert.equal((await ask()).length, USERS - 1);
});

test('the places of a much-used name taken from another domain are kept too, and follow edits', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < USERS; i++) files[`pkgs/by-name/u${i % 10}/u${i}/package.nix`] = user(i);
  // Nothing here defines stdenv or zlib: every input of those names is a place of the other domain's package.
  const analyzer = await tempDomain(files, temps, 'nd-refcache-foreign-');
  const ask = () =>
    finishSteps(analyzer.catalog.unresolvedSteps('stdenv', []))
      .map((p) => `${p.file}:${p.span.join(',')}`)
      .sort();
  const first = ask();
  assert.equal(first.length, USERS, 'every input named stdenv');
  assert.deepEqual(ask(), first, 'the kept places are the same');
  // Another name's places are kept under their own key: zlib's do not answer for stdenv's.
  assert.equal(finishSteps(analyzer.catalog.unresolvedSteps('zlib', [])).length, USERS);
  assert.deepEqual(ask(), first);
  analyzer.openDocument('pkgs/by-name/u0/u0/package.nix', user(0, '# a comment\n'), 2);
  assert.ok(ask().includes('pkgs/by-name/u0/u0/package.nix:1,2,1,8'), 'u0 moved down a line');
  analyzer.openDocument('pkgs/by-name/u1/u1/package.nix', '{ zlib }:\n{ pname = "u1"; buildInputs = [ zlib ]; }\n', 2);
  assert.equal(ask().length, USERS - 1);
});
