// Top-level names Nix does not count as derivations that rebuild: functions (`wrapCC = cc: …`),
// packages whose call or override passes, and uses, a name nothing binds (`doxygen_gui =
// doxygen.override { inherit qt5; }`: "undefined variable 'qt5'"), and packages of the static set
// that are broken there (`lixStatic = pkgsStatic.lix`). On the real core these were predicted by
// some 130 edits each (lixStatic by 239).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rebuildNames, tempDomain } from '../helpers';
import { diagnostics } from '../../server/src/analysis/features/diagnostics';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

test('functions and packages that pass a name nothing binds are not counted', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../applications/zlib { };',
        '  lua = callPackage ../applications/lua { };',
        '  wrapZ = z: callPackage ../applications/wrapper { };',
        '  wrapped = callPackage ../applications/wrapper { };',
        // A wrapper applied to a set: a package of its own, unless the set calls a file that is gone.
        '  goodCC = wrapZ { cc = lua; };',
        '  goneCC = wrapZ { cc = callPackage ../applications/gone { }; };',
        // A bare libc compared with a string is the platform's (glibc); an assert that fails on it throws.
        '  libcHeaders = let inherit (stdenv.targetPlatform) libc; in if libc == "nblibc" then lua else zlib;',
        '  crossWrapped = assert stdenv.targetPlatform != stdenv.hostPlatform; callPackage ../applications/wrapper { };',
        '  doxygen = callPackage ../applications/doxygen { };',
        // qt5 is bound nowhere: the variant fails, doxygen (which leaves it null) does not.
        '  doxygen_gui = doxygen.override { inherit qt5; };',
        // lua5 is bound nowhere: highlight uses its lua, so it fails. lint only names it in passthru:
        // Nix 2.8 fails it too (a set's bare names are looked up as it is built), but the index counts
        // such a name only where the argument is used (docs/impact-accuracy.md, tried and not kept).
        '  highlight = callPackage ../applications/highlight { lua = lua5; };',
        '  lint = callPackage ../applications/lint { lua = lua5; };',
        // The static set's lix is broken (`broken = enableStatic;`); its nix is not.
        '  lix = callPackage ../applications/lix { };',
        '  lixStatic = pkgsStatic.lix;',
        '  nix = callPackage ../applications/nix { };',
        '  nixStatic = pkgsStatic.nix;',
        // Derivations, not functions: a file that applies a curried one, and an overrideAttrs of a call.
        '  isl = callPackage ../applications/isl/0.20.nix { };',
        '  glibc = callPackage ../applications/glibc { };',
        // So is what a helper importing a curried file makes once applied (`make-icu { version = …; }`).
        '  icu-versions = callPackages ../applications/icu { };',
        '  inherit (icu-versions) icu74;',
        // And a derivation made by a let-bound name for the builder (guile's `builder rec { … }`).
        '  guile = callPackage ../applications/guile { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/applications/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/applications/lua/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "lua"; version = "5"; }\n',
      'pkgs/applications/wrapper/default.nix':
        '{ stdenv, zlib }:\nstdenv.mkDerivation { pname = "wrapper"; version = "1"; buildInputs = [ zlib ]; }\n',
      'pkgs/applications/doxygen/default.nix': [
        '{ lib, stdenv, zlib, qt5 ? null }:',
        'stdenv.mkDerivation {',
        '  pname = "doxygen"; version = "1";',
        '  buildInputs = [ zlib ] ++ lib.optionals (qt5 != null) [ qt5.qtbase ];',
        '}',
        '',
      ].join('\n'),
      'pkgs/applications/highlight/default.nix':
        '{ stdenv, zlib, lua }:\nstdenv.mkDerivation { pname = "highlight"; version = "4"; buildInputs = [ zlib lua ]; }\n',
      'pkgs/applications/lix/default.nix': [
        '{ stdenv, zlib, enableStatic ? stdenv.hostPlatform.isStatic }:',
        'stdenv.mkDerivation { pname = "lix"; version = "2"; buildInputs = [ zlib ]; meta = { broken = enableStatic; }; }',
        '',
      ].join('\n'),
      'pkgs/applications/nix/default.nix': [
        '{ stdenv, zlib, enableStatic ? stdenv.hostPlatform.isStatic }:',
        'stdenv.mkDerivation { pname = "nix"; version = "2"; buildInputs = [ zlib ]; meta = { broken = !enableStatic && false; }; }',
        '',
      ].join('\n'),
      'pkgs/applications/isl/0.20.nix': 'import ./generic.nix { version = "0.20"; }\n',
      'pkgs/applications/isl/generic.nix':
        '{ version }:\n{ stdenv, zlib }:\nstdenv.mkDerivation { pname = "isl"; inherit version; buildInputs = [ zlib ]; }\n',
      'pkgs/applications/icu/default.nix': [
        '{ stdenv, zlib }:',
        'let make-icu = (import ./make-icu.nix) { inherit stdenv zlib; };',
        'in { icu74 = make-icu { version = "74.2"; }; }',
        '',
      ].join('\n'),
      'pkgs/applications/icu/make-icu.nix':
        '{ stdenv, zlib }:\n{ version }:\nstdenv.mkDerivation { pname = "icu4c"; inherit version; buildInputs = [ zlib ]; }\n',
      'pkgs/applications/guile/default.nix': [
        '{ stdenv, zlib, coverageAnalysis ? null }:',
        'let builder = if coverageAnalysis != null then coverageAnalysis else stdenv.mkDerivation;',
        'in builder rec { pname = "guile"; version = "3.0"; buildInputs = [ zlib ]; }',
        '',
      ].join('\n'),
      'pkgs/applications/glibc/default.nix':
        '{ stdenv, zlib }:\n(stdenv.mkDerivation { pname = "glibc"; version = "2"; buildInputs = [ zlib ]; }).overrideAttrs (old: { })\n',
      'pkgs/applications/lint/default.nix':
        '{ stdenv, zlib, lua }:\nstdenv.mkDerivation { pname = "lint"; version = "1"; buildInputs = [ zlib ]; passthru.lua = lua; }\n',
    },
    temps,
    'nd-names-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), [
    'doxygen',
    'glibc',
    'goodCC',
    'guile',
    'icu74',
    'isl',
    'libcHeaders',
    'lint',
    'lix',
    'nix',
    'nixStatic',
    'wrapped',
    'zlib',
  ]);
});

test('a package whose meta selects the members of a team no list has is not counted, nor what is built with it', async () => {
  const analyzer = await tempDomain(
    {
      'maintainers/maintainer-list.nix': '{\n  hexa = { name = "Hexa"; };\n}\n',
      'maintainers/team-list.nix': '{ lib }:\n{\n  gnome = { members = [ ]; };\n}\n',
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  openldap = callPackage ../tools/openldap { };',
        '  serf = callPackage ../tools/serf { };',
        '  xz = callPackage ../tools/xz { };',
        '  glib = callPackage ../tools/glib { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      // Evaluating the list forces `teams.helsinki-systems`: "attribute 'helsinki-systems' missing".
      'pkgs/tools/openldap/default.nix': [
        '{ lib, stdenv, zlib }:',
        'stdenv.mkDerivation {',
        '  pname = "openldap"; version = "2"; buildInputs = [ zlib ];',
        '  meta = with lib; { maintainers = with maintainers; [ hexa ] ++ teams.helsinki-systems.members; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/serf/default.nix':
        '{ stdenv, openldap }:\nstdenv.mkDerivation { pname = "serf"; version = "1"; buildInputs = [ openldap ]; }\n',
      // An unknown handle in a list is never forced: xz evaluates. So does a known team.
      'pkgs/tools/xz/default.nix': [
        '{ lib, stdenv, zlib }:',
        'stdenv.mkDerivation { pname = "xz"; version = "5"; buildInputs = [ zlib ]; meta.maintainers = with lib.maintainers; [ sander ]; }',
        '',
      ].join('\n'),
      'pkgs/tools/glib/default.nix': [
        '{ lib, stdenv, zlib }:',
        'stdenv.mkDerivation { pname = "glib"; version = "2"; buildInputs = [ zlib ]; meta.maintainers = lib.teams.gnome.members; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-teams-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['glib', 'xz', 'zlib']);
  // The unknown team is reported where it is named, as an unknown maintainer is.
  const unknown = (file: string) =>
    diagnostics(analyzer, file)
      .filter((d) => d.code === 'unknown-maintainer')
      .map((d) => d.message);
  assert.deepEqual(unknown('pkgs/tools/openldap/default.nix'), [
    '`helsinki-systems` is not in maintainers/maintainer-list.nix (or team-list.nix) of domain `core`.',
  ]);
  assert.deepEqual(unknown('pkgs/tools/glib/default.nix'), []);
});

test("a default that asks whether an input is available evaluates that input's call, unless the flag is passed", async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        // kbd is bound nowhere: systemd's call lacks a required input.
        '  systemd = callPackage ../tools/systemd { };',
        '  util-linux = callPackage ../tools/util-linux { };',
        '  util-linuxMinimal = util-linux.override { systemdSupport = false; };',
        // A variant that leaves the flag at its default fails as the package does.
        '  util-linuxStatic = util-linux.override { static = true; };',
        '  libuuid = if stdenv.isLinux then util-linuxMinimal else null;',
        '  e2fsprogs = callPackage ../tools/e2fsprogs { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/tools/systemd/default.nix':
        '{ stdenv, zlib, kbd }:\nstdenv.mkDerivation { pname = "systemd"; version = "255"; buildInputs = [ zlib kbd ]; }\n',
      'pkgs/tools/util-linux/default.nix': [
        '{ lib, stdenv, zlib, systemd, systemdSupport ? lib.meta.availableOn stdenv.hostPlatform systemd, static ? false }:',
        'stdenv.mkDerivation { pname = "util-linux"; version = "2"; buildInputs = [ zlib ] ++ lib.optional systemdSupport systemd; }',
        '',
      ].join('\n'),
      'pkgs/tools/e2fsprogs/default.nix':
        '{ stdenv, libuuid }:\nstdenv.mkDerivation { pname = "e2fsprogs"; version = "1"; buildInputs = [ libuuid ]; }\n',
    },
    temps,
    'nd-available-',
  );
  // util-linux fails (its default evaluates systemd's call); the variant that passes the flag, the
  // name for it, and what is built with them do not.
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['e2fsprogs', 'libuuid', 'util-linuxMinimal', 'zlib']);
});

test('a flag whose default reads a flag written after it is known, so a variant built with a failing input is not counted', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  openssl = callPackage ../tools/openssl { };',
        // cryptodev is bound nowhere: quictls cannot evaluate, nor what is surely built with it.
        '  quictls = callPackage ../tools/quictls { };',
        '  curl = callPackage ../tools/curl { };',
        '  curlHTTP3 = curl.override { openssl = quictls; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/tools/openssl/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "openssl"; version = "3"; }\n',
      'pkgs/tools/quictls/default.nix':
        '{ stdenv, cryptodev }:\nstdenv.mkDerivation { pname = "quictls"; version = "3"; buildInputs = [ cryptodev ]; }\n',
      'pkgs/tools/curl/default.nix': [
        '{ lib, stdenv, opensslSupport ? zlibSupport, openssl, zlibSupport ? true, zlib }:',
        'stdenv.mkDerivation {',
        '  pname = "curl"; version = "8";',
        '  buildInputs = lib.optional opensslSupport openssl ++ lib.optional zlibSupport zlib;',
        '}',
        '',
      ].join('\n'),
    },
    temps,
    'nd-lazy-flags-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['curl', 'zlib']);
});

test('a package of the static set is built with the inputs its file uses on a static platform', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  aws-sdk-cpp = callPackage ../tools/aws { };',
        '  nix = callPackage ../tools/nix { };',
        '  nixStatic = pkgsStatic.nix;',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/tools/aws/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "aws-sdk-cpp"; version = "1"; }\n',
      'pkgs/tools/nix/default.nix': [
        '{ lib, stdenv, zlib, aws-sdk-cpp, enableStatic ? stdenv.hostPlatform.isStatic, withAWS ? !enableStatic }:',
        'stdenv.mkDerivation { pname = "nix"; version = "2"; buildInputs = [ zlib ] ++ lib.optional withAWS aws-sdk-cpp; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-static-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['nix', 'nixStatic', 'zlib']);
  assert.deepEqual(rebuildNames(analyzer, 'aws-sdk-cpp'), ['aws-sdk-cpp', 'nix']);
});

test('what is made of a refused name is refused: its alias, a stdenv with it as the compiler, a package built with that stdenv', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  gcc = callPackage ../development/gcc { };',
        // Throws on x86_64-linux, and so does everything below made of it.
        '  gccWithoutTargetLibc = assert stdenv.targetPlatform != stdenv.hostPlatform; callPackage ../development/gcc { };',
        '  gccStdenv = overrideCC stdenv buildPackages.gcc;',
        '  gccCrossLibcStdenv = overrideCC stdenv buildPackages.gccWithoutTargetLibc;',
        '  crossLibcStdenv = if stdenv.hostPlatform.isDarwin then gccStdenv else gccCrossLibcStdenv;',
        '  darwinLibcStdenv = if stdenv.hostPlatform.isDarwin then gccCrossLibcStdenv else gccStdenv;',
        '  musl = callPackage ../development/musl { };',
        '  muslCross = musl.override { stdenv = crossLibcStdenv; };',
        '  muslGcc = musl.override { stdenv = gccStdenv; };',
        '  glibcCross = callPackage ../development/glibc { stdenv = gccCrossLibcStdenv; };',
        '  glibc = callPackage ../development/glibc { stdenv = gccStdenv; };',
        '  coreutils = callPackage ../development/coreutils { };',
        // libcxx's file takes an input nothing provides: the clang built with it, and its stdenv, fail.
        '  libcxx = callPackage ../development/libcxx { };',
        '  libcxxClang = callPackage ../development/clang { };',
        '  libcxxStdenv = overrideCC stdenv libcxxClang;',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/libcxx/default.nix':
        '{ stdenv, libcxxrt }:\nstdenv.mkDerivation { pname = "libcxx"; version = "17"; buildInputs = [ libcxxrt ]; }\n',
      'pkgs/development/clang/default.nix':
        '{ stdenv, libcxx }:\nstdenv.mkDerivation { pname = "clang"; version = "17"; buildInputs = [ libcxx ]; }\n',
      // stdenv is built from coreutils: a change to it rebuilds every stdenv that evaluates.
      'pkgs/stdenv/linux/default.nix': '{ lib }:\nlet stage1 = prevStage: self: super: { inherit (prevStage) coreutils; }; in [ stage1 ]\n',
      'pkgs/development/coreutils/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "coreutils"; version = "9"; }\n',
      'pkgs/development/gcc/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "gcc"; version = "13"; }\n',
      'pkgs/development/musl/default.nix':
        '{ stdenv, gcc }:\nstdenv.mkDerivation { pname = "musl"; version = "1"; buildInputs = [ gcc ]; }\n',
      'pkgs/development/glibc/default.nix':
        '{ stdenv, gcc }:\nstdenv.mkDerivation { pname = "glibc"; version = "2"; buildInputs = [ gcc ]; }\n',
    },
    temps,
    'nd-names-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'gcc'), ['darwinLibcStdenv', 'gcc', 'gccStdenv', 'glibc', 'musl', 'muslGcc']);
  const all = rebuildNames(analyzer, 'coreutils');
  assert.ok(all.includes('stdenv') && all.includes('gccStdenv') && all.includes('darwinLibcStdenv'), all.join(' '));
  for (const refused of ['gccWithoutTargetLibc', 'gccCrossLibcStdenv', 'crossLibcStdenv', 'glibcCross', 'muslCross'])
    assert.ok(!all.includes(refused), `${refused} throws: not counted`);
  assert.ok(!all.includes('libcxxStdenv'), 'a stdenv whose compiler cannot evaluate is not counted');
});

test('a derivation whose meta lists known vulnerabilities, says broken or names only other kernels is refused with the default config, and so is what is built with it', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../development/zlib { };',
        '  python27 = callPackage ../development/python27 { };',
        '  python2 = python27;',
        '  scons = callPackage ../development/scons { };',
        '  fine = callPackage ../development/fine { };',
        '  inherit (callPackages ../development/openssl { }) openssl_1_1 openssl_3;',
        '  brokenLib = callPackage ../development/broken { };',
        '  darwinHook = makeSetupHook { name = "darwin-hook"; propagatedBuildInputs = [ zlib ]; meta.platforms = lib.platforms.darwin; } ./hook.sh;',
        '  linuxHook = makeSetupHook { name = "linux-hook"; propagatedBuildInputs = [ zlib ]; meta.platforms = lib.platforms.linux; } ./hook.sh;',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      // The attributes are written as an update (`{ … } // crossCompileEnv`), as cpython 2.7's are.
      'pkgs/development/python27/default.nix': [
        '{ lib, stdenv, zlib }:',
        'let crossCompileEnv = lib.optionalAttrs (stdenv.hostPlatform != stdenv.buildPlatform) { A = "1"; };',
        'in stdenv.mkDerivation ({',
        '  pname = "python"; version = "2.7"; buildInputs = [ zlib ];',
        '  meta = { knownVulnerabilities = [ "Python 2.7 has reached its end of life" ]; };',
        '} // crossCompileEnv)',
        '',
      ].join('\n'),
      'pkgs/development/scons/default.nix':
        '{ stdenv, python27 }:\nstdenv.mkDerivation { pname = "scons"; version = "4"; nativeBuildInputs = [ python27 ]; }\n',
      // A version made by the file's function, given its vulnerabilities as meta to add (`extraMeta`).
      'pkgs/development/openssl/default.nix': [
        '{ lib, stdenv, zlib }:',
        'let',
        '  common = { version, extraMeta ? { } }: stdenv.mkDerivation {',
        '    pname = "openssl"; inherit version; buildInputs = [ zlib ];',
        '    meta = with lib; { description = "TLS"; } // extraMeta;',
        '  };',
        'in {',
        '  openssl_1_1 = common { version = "1.1.1w"; extraMeta = with lib; { knownVulnerabilities = [ "end of life" ]; }; };',
        '  openssl_3 = common { version = "3.0.13"; extraMeta = { knownVulnerabilities = [ ]; }; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/broken/default.nix':
        '{ stdenv, zlib }:\nstdenv.mkDerivation { pname = "broken"; version = "0"; buildInputs = [ zlib ]; meta = { broken = true; }; }\n',
      'pkgs/development/fine/default.nix': [
        '{ stdenv, zlib }:',
        'stdenv.mkDerivation { pname = "fine"; version = "1"; buildInputs = [ zlib ]; meta.knownVulnerabilities = [ ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-names-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['fine', 'linuxHook', 'openssl_3', 'zlib']);
});

test('the static set is built for another platform than its build platform: what only a native build uses is not built with', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  mdbook = callPackage ../tools/mdbook { };',
        '  nix = callPackage ../tools/nix { };',
        '  nixStatic = pkgsStatic.nix;',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/mdbook/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "mdbook"; version = "1"; }\n',
      'pkgs/tools/nix/default.nix': [
        '{ lib, stdenv, mdbook, enableDocumentation ? stdenv.hostPlatform == stdenv.buildPlatform }:',
        'stdenv.mkDerivation { pname = "nix"; version = "2.18"; nativeBuildInputs = lib.optionals enableDocumentation [ mdbook ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-names-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'mdbook'), ['mdbook', 'nix']);
});
