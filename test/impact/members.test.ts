// Top-level names that select from something: an output of a derivation (`libnghttp2 =
// nghttp2.lib`, `sqlite-interactive = (sqlite.override { interactive = true; }).bin`) rebuilds
// with it, and a member of what a file makes at evaluation (`inherit (callPackage ./all.nix { })
// gcc13;`, where all.nix is `lib.listToAttrs (map … versions)`) is a package the file makes. On
// the real core the gcc attributes were missed by every edit that rebuilds the whole set.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { formalUses, type FormalUse } from '../../server/src/analysis/formalUse';
import { NixParser } from '../../server/src/analysis/parser';
import { packageFile as drv, rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

test('outputs and members made at evaluation rebuild with what they are made of', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  isl = callPackage ../tools/isl { };',
        '  gnat = callPackage ../tools/gnat { };',
        '  nghttp2 = callPackage ../tools/nghttp2 { };',
        '  libnghttp2 = nghttp2.lib;',
        '  nghttp2-common = nghttp2.common;',
        '  sqlite = callPackage ../tools/sqlite { };',
        '  sqlite-interactive = (sqlite.override { interactive = true; }).bin;',
        '  inherit (callPackage ../tools/gcc/all.nix { }) gcc12 gcc13;',
        '  gcc_latest = gcc13;',
        '  plugins = (callPackage ../tools/plugins.nix { }).plugins;',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': drv('zlib', []),
      'pkgs/tools/isl/default.nix': drv('isl', []),
      'pkgs/tools/gnat/default.nix': drv('gnat', []),
      // An output only this derivation has, as `outputs` names it.
      'pkgs/tools/nghttp2/default.nix': [
        '{ lib, stdenv, zlib }:',
        'stdenv.mkDerivation {',
        '  pname = "nghttp2"; version = "1"; buildInputs = [ zlib ];',
        '  outputs = [ "out" "lib" ] ++ lib.optional true "common";',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/sqlite/default.nix': [
        '{ lib, stdenv, zlib, interactive ? false }:',
        'stdenv.mkDerivation { pname = "sqlite"; version = "3"; outputs = [ "bin" "out" ]; buildInputs = [ zlib ]; }',
        '',
      ].join('\n'),
      'pkgs/tools/gcc/all.nix': [
        '{ lib, stdenv, callPackage, isl }:',
        'let',
        '  versions = [ "12" "13" ];',
        '  gccFor = v: lib.nameValuePair "gcc${v}" (callPackage ./default.nix { inherit isl; majorMinorVersion = v; });',
        'in lib.listToAttrs (map gccFor versions)',
        '',
      ].join('\n'),
      // The file each version calls hands gnat to a helper that uses it only for Ada, which no
      // version turns on: the index cannot see that, so the file is not followed for its inputs.
      'pkgs/tools/gcc/default.nix': [
        '{ lib, stdenv, callPackage, isl, majorMinorVersion, langAda ? false, gnat ? null }:',
        'let deps = callPackage ./deps.nix { inherit langAda gnat; };',
        'in stdenv.mkDerivation { pname = "gcc"; version = majorMinorVersion; buildInputs = [ isl ] ++ deps; }',
        '',
      ].join('\n'),
      'pkgs/tools/gcc/deps.nix': '{ lib, langAda, gnat }:\nlib.optional langAda gnat\n',
      // A set the index can read: its member is a function, no package.
      'pkgs/tools/plugins.nix': '{ lib, zlib }:\n{ plugins = names: map (n: zlib) names; }\n',
    },
    temps,
    'nd-members-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['libnghttp2', 'nghttp2', 'nghttp2-common', 'sqlite', 'sqlite-interactive', 'zlib']);
  assert.deepEqual(rebuildNames(analyzer, 'isl'), ['gcc12', 'gcc13', 'gcc_latest', 'isl']);
  assert.deepEqual(rebuildNames(analyzer, 'gnat'), ['gnat']);
});

test('a set member a `let` inherits is built with as the name is used', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  python3Packages = callPackage ../tools/python-packages.nix { };',
        '  mercurial = callPackage ../tools/mercurial { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/python-packages.nix':
        '{ callPackage }:\n{\n  docutils = callPackage ./docutils { };\n  pygments = callPackage ./pygments { };\n}\n',
      'pkgs/tools/docutils/default.nix': drv('docutils', []),
      'pkgs/tools/pygments/default.nix': drv('pygments', []),
      'pkgs/tools/mercurial/default.nix': [
        '{ lib, stdenv, python3Packages }:',
        'let inherit (python3Packages) docutils pygments;',
        'in stdenv.mkDerivation { pname = "mercurial"; version = "6"; buildInputs = [ docutils ]; passthru.tests = pygments; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-let-members-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'python3Packages.docutils'), ['mercurial']);
  assert.deepEqual(rebuildNames(analyzer, 'python3Packages.pygments'), []);
});

test('a list of packages a call passes is built with, each member of it', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        // The set the list selects from is made at evaluation (`perl.pkgs`): its members are found by name.
        '  perlSet = callPackage ../tools/perl-packages.nix { };',
        '  perl = callPackage ../tools/perl { };',
        '  perlPackages = perl.pkgs;',
        '  zlib = callPackage ../tools/zlib { };',
        '  git = callPackage ../tools/git {',
        '    smtpPerlLibs = [ perlPackages.libnet perlPackages.IOSocketSSL ];',
        '    libs = [ zlib ];',
        '  };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/perl-packages.nix':
        '{ callPackage }:\n{\n  libnet = callPackage ./libnet { };\n  IOSocketSSL = callPackage ./iosocketssl { };\n  URI = callPackage ./uri { };\n}\n',
      'pkgs/tools/libnet/default.nix': drv('libnet', []),
      'pkgs/tools/iosocketssl/default.nix': drv('IO-Socket-SSL', []),
      'pkgs/tools/uri/default.nix': drv('URI', []),
      'pkgs/tools/zlib/default.nix': drv('zlib', []),
      'pkgs/tools/perl/default.nix': drv('perl', []),
      'pkgs/tools/git/default.nix': [
        '{ lib, stdenv, smtpPerlLibs, libs }:',
        'stdenv.mkDerivation { pname = "git"; version = "2"; buildInputs = smtpPerlLibs ++ libs; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-list-args-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'perlSet.IOSocketSSL'), ['git']);
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['git', 'zlib']);
  assert.deepEqual(rebuildNames(analyzer, 'perlSet.URI'), []);
});

test('an override given sets joined by // passes what each set holds', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  libpsl = callPackage ../tools/libpsl { };',
        '  brotli = callPackage ../tools/brotli { };',
        '  curlMinimal = callPackage ../tools/curl { };',
        '  curl = curlMinimal.override ({',
        '    pslSupport = true;',
        '  } // lib.optionalAttrs (!stdenv.hostPlatform.isStatic) {',
        '    brotliSupport = true;',
        '  } // lib.optionalAttrs stdenv.hostPlatform.isStatic {',
        '    zlibSupport = false;',
        '  });',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': drv('zlib', []),
      'pkgs/tools/libpsl/default.nix': drv('libpsl', []),
      'pkgs/tools/brotli/default.nix': drv('brotli', []),
      'pkgs/tools/curl/default.nix': [
        '{ lib, stdenv, zlib, libpsl, brotli, pslSupport ? false, brotliSupport ? false, zlibSupport ? true }:',
        'stdenv.mkDerivation {',
        '  pname = "curl"; version = "8";',
        '  buildInputs = lib.optional zlibSupport zlib ++ lib.optional pslSupport libpsl ++ lib.optional brotliSupport brotli;',
        '}',
        '',
      ].join('\n'),
    },
    temps,
    'nd-override-update-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'libpsl'), ['curl', 'libpsl']);
  assert.deepEqual(rebuildNames(analyzer, 'brotli'), ['brotli', 'curl']);
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['curl', 'curlMinimal', 'zlib']);
});

test('what passthru holds is no output of the derivation, even in a string', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  gnulib = callPackage ../tools/gnulib { };',
        '  zlib = callPackage ../tools/zlib { };',
        '  texinfo = callPackage ../tools/texinfo { version = "6.5"; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/gnulib/default.nix': [
        '{ stdenv, zlib }:',
        'stdenv.mkDerivation { pname = "gnulib"; version = "1"; buildInputs = [ zlib ]; passthru.patch = ./fix.patch; }',
        '',
      ].join('\n'),
      'pkgs/tools/gnulib/fix.patch': '',
      'pkgs/tools/zlib/default.nix': drv('zlib', []),
      // The patch is a file gnulib's passthru names: texinfo is not built with gnulib.
      'pkgs/tools/texinfo/default.nix': [
        '{ lib, stdenv, gnulib, version }:',
        'stdenv.mkDerivation {',
        '  pname = "texinfo"; inherit version;',
        '  postPatch = lib.optionalString (version == "6.7") "patch -p1 < ${gnulib.passthru.patch}";',
        '}',
        '',
      ].join('\n'),
    },
    temps,
    'nd-passthru-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'gnulib'), ['gnulib']);
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['gnulib', 'zlib']);
});

test('of two definitions of one attribute path, the node is the one the package set reaches: a file nothing calls or imports binds none', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../development/zlib { };',
        '  busybox = callPackage ../development/busybox { };',
        '  build = callPackage ../development/build { };',
        '  pip = callPackage ../development/pip { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/zlib/default.nix': drv('zlib'),
      'pkgs/development/busybox/default.nix': drv('busybox'),
      'pkgs/development/build/default.nix': drv('build', ['zlib']),
      'pkgs/development/pip/default.nix': drv('pip', ['build']),
      // stdenv's tools for making bootstrap tarballs: `nix-build make-bootstrap-tools.nix -A build`.
      'pkgs/stdenv/linux/make-bootstrap-tools.nix': [
        '{ pkgs ? import ../../.. { } }:',
        'with pkgs;',
        'rec {',
        '  build = stdenv.mkDerivation { name = "stdenv-bootstrap-tools"; src = ./.; buildInputs = [ busybox ]; };',
        '}',
        '',
      ].join('\n'),
    },
    temps,
    'nd-members-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'busybox'), ['busybox']);
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['build', 'pip', 'zlib']);
});

test('a platform a file makes for its builder, and a member it gives the builder, are built with (the rust tools)', async () => {
  const parser = await NixParser.create();
  const formalsOf = (text: string, names: string[]) => {
    const tree = parser.parse(text);
    try {
      const members = new Map<string, Map<string, FormalUse>>();
      const uses = formalUses(tree.rootNode.namedChildren[0]!, names, undefined, members);
      return { uses: Object.fromEntries(uses), members: Object.fromEntries([...members].map(([k, v]) => [k, Object.fromEntries(v)])) };
    } finally {
      tree.delete();
    }
  };
  // cargo-auditable.nix: a let-bound platform made of members of the build platform's set.
  const auditable = formalsOf(
    [
      '{ lib, buildPackages, fetchFromGitHub, makeRustPlatform }:',
      'let',
      '  args = { pname = "cargo-auditable"; version = "0.6"; src = fetchFromGitHub { }; };',
      '  rustPlatform = makeRustPlatform {',
      '    inherit (buildPackages) rustc;',
      '    cargo = buildPackages.cargo.override { auditable = false; };',
      '  };',
      '  bootstrap = rustPlatform.buildRustPackage (args // { auditable = false; });',
      'in',
      'rustPlatform.buildRustPackage.override { cargo-auditable = bootstrap; } args',
      '',
    ].join('\n'),
    ['lib', 'buildPackages', 'fetchFromGitHub', 'makeRustPlatform'],
  );
  assert.deepEqual(auditable.members.buildPackages, { rustc: 'build', cargo: 'build' });
  // cargo.nix: an attribute of an input, given to the builder in place of one of its inputs.
  const cargo = formalsOf(
    [
      '{ lib, rustPlatform, cargo-auditable, glib }:',
      'rustPlatform.buildRustPackage.override { cargo-auditable = cargo-auditable.bootstrap; } {',
      '  pname = "cargo"; version = "1.77"; NIX_CFLAGS = glib.flattenInclude;',
      '}',
      '',
    ].join('\n'),
    ['lib', 'rustPlatform', 'cargo-auditable', 'glib'],
  );
  assert.equal(cargo.uses['cargo-auditable'], 'build');
  assert.equal(cargo.uses.glib, 'forced', 'any other attribute of an input is only evaluated');
  // In a `let`, an inherited member counts where it is used: mercurial's pygit2 only with gitSupport.
  const mercurial = formalsOf(
    [
      '{ lib, python3Packages, gitSupport ? false }:',
      'let inherit (python3Packages) docutils pygit2; in',
      'python3Packages.buildPythonApplication { pname = "mercurial"; version = "6"; nativeBuildInputs = [ docutils ] ++ lib.optional gitSupport pygit2; }',
      '',
    ].join('\n'),
    ['lib', 'python3Packages', 'gitSupport'],
  );
  assert.equal(mercurial.members.python3Packages?.docutils, 'build');
  assert.equal(mercurial.members.python3Packages?.pygit2, undefined);
});

test("the packages an interpreter is given (`python3.withPackages (ps: [ ps.pyelftools ])`) are built with, as the set's members", async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  python3 = callPackage ../development/python { };',
        '  python3Packages = callPackage ../development/python-packages.nix { };',
        // autoPatchelfHook's shape in the real core: a hook written in the set.
        '  autoPatchelfHook = makeSetupHook { name = "auto-patchelf-hook"; substitutions = { pythonInterpreter = "${python3.withPackages (ps: [ ps.pyelftools ])}/bin/python"; }; } ./hook.sh;',
        '  llvm = callPackage ../development/llvm { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/python/default.nix': drv('python3', []),
      'pkgs/development/python-packages.nix': [
        '{ lib, stdenv }:',
        'self: with self; {',
        '  pyelftools = stdenv.mkDerivation { pname = "pyelftools"; version = "0.31"; };',
        '  psutil = stdenv.mkDerivation { pname = "psutil"; version = "5"; };',
        '}',
        '',
      ].join('\n'),
      // llvm's: the packages are named by a let-bound function, under `with ps;`.
      'pkgs/development/llvm/default.nix': [
        '{ stdenv, python3, pkgsBuildBuild, doCheck ? true }:',
        'let',
        '  python = if doCheck then',
        '    let checkDeps = ps: with ps; [ psutil ]; in pkgsBuildBuild.targetPackages.python3.withPackages checkDeps',
        '  else python3;',
        'in stdenv.mkDerivation { pname = "llvm"; version = "17"; nativeBuildInputs = [ python ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-with-packages-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'python3Packages.pyelftools'), ['autoPatchelfHook']);
  assert.deepEqual(rebuildNames(analyzer, 'python3Packages.psutil'), ['llvm']);
});

test('a derivation written in a set is built with a package of the whole set it names (`${pkgs.cacert}`), not with what its own `let` binds', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  cacert = callPackage ../tools/cacert { };',
        '  cross = callPackage ../tools/cross { };',
        '  perlPackages = callPackage ../development/perl-packages.nix { };',
        '  git = callPackage ../tools/git { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/cacert/default.nix': drv('cacert', []),
      'pkgs/tools/cross/default.nix': drv('cross', []),
      // perl's MozillaCA and TermReadKey, as the real core writes them.
      'pkgs/development/perl-packages.nix': [
        '{ lib, stdenv, pkgs }:',
        'self: with self; {',
        '  MozillaCA = stdenv.mkDerivation { pname = "Mozilla-CA"; version = "1"; postPatch = "ln -s ${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt cacert.pem"; };',
        '  TermReadKey = let cross = stdenv.hostPlatform != stdenv.buildPlatform; in',
        '    stdenv.mkDerivation { pname = "TermReadKey"; version = "2"; postConfigure = lib.optionalString cross "sed -i …"; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/git/default.nix':
        '{ stdenv, perlPackages }:\nstdenv.mkDerivation { pname = "git"; version = "2"; buildInputs = [ perlPackages.MozillaCA perlPackages.TermReadKey ]; }\n',
    },
    temps,
    'nd-whole-set-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'cacert'), ['cacert', 'git']);
  assert.deepEqual(rebuildNames(analyzer, 'cross'), ['cross'], "TermReadKey's `cross` is its own let's");
});
