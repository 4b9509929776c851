// Shapes of the real core the rebuild model reads (each found missing against Nix's oracle): a
// package inherited from a literal set, the derivations a callPackages'd file returns, and test
// inputs of the builders that run their tests.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rebuildImpact } from '../../server/src/analysis/impact/closure';
import { NixParser } from '../../server/src/analysis/parser';
import { extractFacts } from '../../server/src/analysis/facts';
import { tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const domain = (files: Record<string, string>) => tempDomain(files, temps, 'nd-shapes-');

const GROUP = '{ ... }:\nres: pkgs: super:\n\nwith pkgs;\n';

test('a package inherited from a literal set, and the derivations of a file callPackages calls, rebuild with their inputs', async () => {
  const analyzer = await domain({
    'pkgs/by-name/cm/cmake/package.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "cmake"; version = "3"; }\n',
    // libtiff's group: `inherit ({ … }) libtiff;` is `libtiff = callPackage ./. { };`.
    'pkgs/by-name/li/libtiff/packages.nix': `${GROUP}{\n  inherit ({ libtiff = callPackage ./. { }; }) libtiff;\n}\n`,
    'pkgs/by-name/li/libtiff/default.nix':
      '{ stdenv, cmake }:\nstdenv.mkDerivation { pname = "libtiff"; version = "4"; nativeBuildInputs = [ cmake ]; }\n',
    // fmt's group: a file returning several derivations of a let-bound builder, each taking the file's formals.
    'pkgs/by-name/fm/fmt/packages.nix': `${GROUP}{\n  inherit (callPackages ./. { }) fmt_9 fmt_10;\n  fmt = fmt_10;\n}\n`,
    'pkgs/by-name/fm/fmt/default.nix': [
      '{ stdenv, cmake }:',
      'let',
      '  generic = { version }: stdenv.mkDerivation { pname = "fmt"; inherit version; nativeBuildInputs = [ cmake ]; };',
      'in',
      '{',
      '  fmt_9 = generic { version = "9"; };',
      '  fmt_10 = generic { version = "10"; };',
      '}',
      '',
    ].join('\n'),
  });
  const libtiff = analyzer.catalog.all().find((p) => p.attrPath === 'libtiff');
  assert.equal(libtiff?.target.file, 'pkgs/by-name/li/libtiff/default.nix', 'libtiff is the package its group inherits');
  const cmake = analyzer.catalog.all().find((p) => p.attrPath === 'cmake')!;
  assert.deepEqual(rebuildImpact(analyzer, cmake).domains[0]?.packages, ['cmake', 'fmt', 'fmt_10', 'fmt_9', 'libtiff']);
});

/** How a package file uses each input, as its facts say (undefined: built with). */
async function uses(source: string): Promise<Record<string, string>> {
  const parser = await NixParser.create();
  const tree = parser.parse(source);
  try {
    const facts = extractFacts('pkgs/by-name/x/x/package.nix', tree, false);
    return Object.fromEntries((facts.formals ?? []).map((f) => [f.name, f.use ?? 'build']));
  } finally {
    tree.delete();
  }
}

test("a formal's default is used as the formal is, as `maybe`: callPackage may give a package of that name instead", async () => {
  // readline's: no package is named curses-library, so Nix uses ncurses.
  const readline = await uses(
    [
      '{ lib, stdenv, ncurses, termcap, curses-library ? if stdenv.hostPlatform.isWindows then termcap else ncurses }:',
      'stdenv.mkDerivation { pname = "readline"; version = "8.2"; propagatedBuildInputs = [ curses-library ]; }',
      '',
    ].join('\n'),
  );
  assert.deepEqual(readline, { lib: 'none', stdenv: 'forced', ncurses: 'maybe', termcap: 'none', 'curses-library': 'build' });
  // A default of a formal the body does not use is not read.
  const unused = await uses('{ stdenv, zlib, z ? zlib }:\nstdenv.mkDerivation { pname = "x"; version = "1"; }\n');
  assert.equal(unused.zlib, 'none');
});

test('test inputs are built with when the builder runs its tests: Python and Perl by default, mkDerivation when doCheck is set', async () => {
  const mk = (extra: string) =>
    `{ stdenv, zlib, pytest }:\nstdenv.mkDerivation { pname = "x"; version = "1"; buildInputs = [ zlib ]; nativeCheckInputs = [ pytest ];${extra} }\n`;
  assert.deepEqual(await uses(mk('')), { stdenv: 'forced', zlib: 'build', pytest: 'none' });
  // Built with when the phase runs, though Nix evaluates the package whether or not a test input can be.
  assert.deepEqual(await uses(mk(' doCheck = true;')), { stdenv: 'forced', zlib: 'build', pytest: 'checked' });
  assert.deepEqual(await uses(mk(' doCheck = stdenv.hostPlatform.isLinux && unknownFlag;')), {
    stdenv: 'forced',
    zlib: 'build',
    pytest: 'maybe',
  });
  const py = (extra: string) =>
    `{ buildPythonPackage, isPyPy, six, pytest }:\nbuildPythonPackage rec { pname = "x"; version = "1"; propagatedBuildInputs = [ six ]; nativeCheckInputs = [ pytest ];${extra} }\n`;
  assert.equal((await uses(py(''))).pytest, 'checked', 'Python packages run their tests unless told not to');
  assert.equal((await uses(py(' doCheck = !isPyPy;'))).pytest, 'checked', 'CPython is no PyPy');
  assert.equal((await uses(py(' doCheck = false;'))).pytest, 'none');
  assert.equal((await uses(py(''))).six, 'build');
  const perl = '{ buildPerlPackage, TestMore }:\nbuildPerlPackage { pname = "x"; version = "1"; checkInputs = [ TestMore ]; }\n';
  assert.equal((await uses(perl)).TestMore, 'checked');
});

test('an attribute of an input in a string is built with; elsewhere it is evaluated, and carries only a failure of its call', async () => {
  const used = await uses(
    '{ stdenv, glib, dejavu_fonts }:\nstdenv.mkDerivation { pname = "x"; version = "1"; postInstall = glib.flattenInclude; configureFlags = [ "--fonts=${dejavu_fonts.minimal}" ]; }\n',
  );
  assert.deepEqual(used, { stdenv: 'forced', glib: 'forced', dejavu_fonts: 'build' });
  const pkg = (name: string, formals: string, attrs: string) =>
    `{ stdenv, ${formals} }:\nstdenv.mkDerivation { pname = "${name}"; version = "1"; ${attrs} }\n`;
  const analyzer = await domain({
    'pkgs/by-name/zl/zlib/package.nix': pkg('zlib', 'fetchurl ? null', ''),
    // gtk3 is no package of the domain: callPackage fails on fonts (Nix: "called without required argument").
    'pkgs/by-name/fo/fonts/package.nix': pkg('fonts', 'zlib, gtk3', 'buildInputs = [ zlib ];'),
    'pkgs/by-name/fo/fontconfig/package.nix': pkg(
      'fontconfig',
      'zlib, fonts',
      'buildInputs = [ zlib ]; configureFlags = [ "${fonts.minimal}" ];',
    ),
    'pkgs/by-name/vi/viewer/package.nix': pkg('viewer', 'zlib, fonts', 'buildInputs = [ zlib ]; postInstall = fonts.version;'),
    'pkgs/by-name/gl/glib/package.nix': pkg('glib', 'zlib, fonts', 'buildInputs = [ zlib fonts ];'),
    'pkgs/by-name/fr/freetype/package.nix': pkg('freetype', 'zlib, glib', 'buildInputs = [ zlib ]; postInstall = glib.flattenInclude;'),
  });
  const zlib = analyzer.catalog.all().find((p) => p.attrPath === 'zlib')!;
  // fonts cannot be called; fontconfig builds with its output, viewer evaluates its call, glib is
  // built with it: none evaluates. freetype only selects from glib, whose call is fine.
  assert.deepEqual(rebuildImpact(analyzer, zlib).domains[0]?.packages, ['freetype', 'zlib']);
});
