import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { impactSites } from '../../server/src/analysis/impact/sites';

const ROOT = path.join(__dirname, '..', 'fixtures', 'nix-eval-domain');
let shared: Promise<Analyzer> | undefined;

function analyzer(): Promise<Analyzer> {
  shared ??= Analyzer.create(ROOT, 'eval', { indexWorkers: 0, cacheDir: null }).then(async (a) => {
    await a.indexAll();
    return a;
  });
  return shared;
}

/** The sites of a file as `line kind package [argument]` (1-based lines), opened with `text` or read from disk. */
async function check(file: string, text: string | undefined, expected: string[]): Promise<void> {
  const a = await analyzer();
  const render = (doc: Parameters<typeof impactSites>[1]) =>
    impactSites(a, doc).map((s) => `${s.span[0] + 1} ${s.kind} ${s.package.attrPath}${s.argument ? ` ${s.argument}` : ''}`);
  if (text === undefined) {
    assert.deepEqual(await a.withDocument(file, render), expected);
    return;
  }
  const doc = a.openDocument(file, text, 1);
  try {
    assert.deepEqual(render(doc), expected);
  } finally {
    await a.closeDocument(file);
  }
}

test('an overlay: each binding that names a package, and override selections', () =>
  check(
    'overlays/mine.nix',
    [
      'final: prev: {',
      '  zlib = prev.zlib.overrideAttrs (old: { patches = [ ]; });',
      '  xorg = prev.xorg // { libX11 = prev.xorg.libX11.override { }; };',
      '  notAPackage = 1;',
      '}',
    ].join('\n'),
    ['2 overlay zlib', '3 override xorg.libX11'],
  ));

test('self: super: with let and with around the set is an overlay too', () =>
  check(
    'overlays/other.nix',
    ['self: super:', 'let keep = 1; in', 'with self; {', '  curl = super.curl;', '  jq = jq.overrideAttrs (o: { });', '}'].join('\n'),
    ['4 overlay curl', '5 overlay jq'],
  ));

test('a package file: the package it builds at the top, and an override of an input', () =>
  check(
    'pkgs/by-name/my/my-tool/package.nix',
    [
      '{ stdenv, python3, openssl }:',
      'stdenv.mkDerivation {',
      '  pname = "my-tool";',
      '  version = "1";',
      '  buildInputs = [ (python3.overridePythonAttrs (o: { })) (openssl.override { }) ];',
      '}',
    ].join('\n'),
    ['1 file my-tool', '5 override python311', '5 override openssl'],
  ));

test('a function of three arguments is not an overlay', () => check('overlays/three.nix', 'a: b: c: { zlib = 1; }', []));

test('callPackage arguments show the package the call builds', () =>
  check(
    'pkgs/top-level/extra-packages.nix',
    [
      '{ callPackage, zlib-ng, xorg }:',
      '{',
      '  sqlite-small = callPackage ../development/libraries/sqlite {',
      '    zlib = zlib-ng;',
      '  };',
      '  xclock-2 = callPackage ../applications/misc/xclock {',
      '    inherit (xorg) libX11 libXt;',
      '  };',
      '}',
    ].join('\n'),
    ['4 callPackageArgument sqlite-small zlib', '7 callPackageArgument xclock-2 libX11'],
  ));

test('all-packages.nix is an overlay: each binding gets the lens, one per line and package', async () => {
  const a = await analyzer();
  const sites = await a.withDocument('pkgs/top-level/all-packages.nix', (doc) => impactSites(a, doc));
  const line = (name: string) => sites!.filter((s) => s.package.attrPath === name).map((s) => s.kind);
  assert.deepEqual(line('git'), ['overlay']);
  // `python3 = python311;` is an alias: its line shows python311's closure too.
  assert.deepEqual(line('python311'), ['overlay', 'overlay']);
  assert.deepEqual(line('marker'), ['overlay']);
  assert.deepEqual(line('xorg.libX11'), []);
});

test('a file called by all-packages.nix: the package at its top', () =>
  check('pkgs/development/libraries/sqlite/default.nix', undefined, ['1 file sqlite', '1 file sqlite-zlib-ng']));
