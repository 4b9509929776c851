// What cannot evaluate, among variants and what is built with them: a set member no file binds, a
// file that does not exist, a missing argument of a file `callPackages` calls, a variant given a
// variant that fails, a package built with a variant that fails as its own flags build it, one
// whose call leaves an input whose default fails to the package set (wolfssl's util-linux). Nix
// builds nothing for them, so they are not counted (docs/impact-accuracy.md).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { packageFile, rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

test('a package that surely builds with a set member no file binds, or with a file that does not exist, is not counted', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  python3Packages = callPackage ../development/python-packages.nix { };',
        '  zlib = callPackage ../applications/zlib { };',
        '  scripts = callPackage ../applications/scripts { };',
        '  viewer = callPackage ../applications/viewer { };',
        '  librsvg = callPackage ../development/libraries/librsvg { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/python-packages.nix':
        '{ lib, stdenv }:\nself: with self; {\n  six = stdenv.mkDerivation { pname = "six"; version = "1"; };\n}\n',
      'pkgs/applications/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      // `beautifulsoup4` is bound nowhere: Nix says "attribute 'beautifulsoup4' missing".
      'pkgs/applications/scripts/default.nix':
        '{ stdenv, zlib, python3Packages }:\nstdenv.mkDerivation { pname = "scripts"; version = "1"; buildInputs = [ zlib python3Packages.six python3Packages.beautifulsoup4 ]; }\n',
      // librsvg's folder does not exist.
      'pkgs/applications/viewer/default.nix':
        '{ stdenv, zlib, librsvg }:\nstdenv.mkDerivation { pname = "viewer"; version = "1"; buildInputs = [ zlib librsvg ]; }\n',
    },
    temps,
    'nd-failing-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['zlib']);
});

test('what cannot evaluate: a missing argument of a file callPackages calls, and a variant given a variant that fails', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  ncurses = callPackage ../tools/ncurses { };',
        '  inherit (callPackages ../tools/svn { }) svn;',
        '  webp = callPackage ../tools/webp { };',
        '  imlib2 = callPackage ../tools/imlib2 { };',
        '  imlib2Nox = imlib2.override { x11Support = false; };',
        '  w3m = callPackage ../tools/w3m { };',
        '  w3mNox = w3m.override { imlib2 = imlib2Nox; };',
        '  svnClient = svn.override { perlBindings = true; };',
        '  git = callPackage ../tools/git { };',
        '  gitSVN = git.override { svnSupport = true; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/tools/ncurses/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "ncurses"; version = "6"; }\n',
      // `lz4` and `freeglut` are provided by nothing: svn's and webp's calls fail.
      'pkgs/tools/svn/default.nix':
        '{ stdenv, zlib, lz4 }:\n{\n  svn = stdenv.mkDerivation { pname = "svn"; version = "1"; buildInputs = [ zlib lz4 ]; };\n}\n',
      'pkgs/tools/webp/default.nix':
        '{ stdenv, ncurses, freeglut }:\nstdenv.mkDerivation { pname = "webp"; version = "1"; buildInputs = [ ncurses freeglut ]; }\n',
      'pkgs/tools/imlib2/default.nix':
        '{ stdenv, webp, x11Support ? true }:\nstdenv.mkDerivation { pname = "imlib2"; version = "1"; buildInputs = [ webp ]; }\n',
      'pkgs/tools/w3m/default.nix':
        '{ stdenv, ncurses, imlib2 }:\nstdenv.mkDerivation { pname = "w3m"; version = "0.5"; buildInputs = [ ncurses imlib2 ]; }\n',
      'pkgs/tools/git/default.nix':
        '{ lib, stdenv, zlib, svnClient, svnSupport ? false }:\nstdenv.mkDerivation { pname = "git"; version = "2"; buildInputs = [ zlib ] ++ lib.optional svnSupport svnClient; }\n',
    },
    temps,
    'nd-fails-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  // gitSVN's flag switches on svnClient, a variant of svn, whose call fails whatever the flags.
  assert.deepEqual(names('zlib'), ['git', 'zlib'], 'svn, which callPackages makes, lacks lz4');
  assert.deepEqual(names('ncurses'), ['ncurses'], 'w3m and w3mNox are built with imlib2, built with webp, which lacks freeglut');
});

test('a package built with a variant that fails as its package does is not counted; one whose flags avoid the failure is', async () => {
  // openssh's shape in the real core: `openssh = opensshPackages.openssh.override { etcDir = …; }`,
  // built with ldns, whose call lacks `dns-root-data`; `ssh-copy-id` is built with the variant.
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  ldns = callPackage ../tools/ldns { };',
        '  opensshBase = callPackage ../tools/openssh { };',
        '  openssh = opensshBase.override { etcDir = "/etc/ssh"; };',
        '  opensshNoDns = opensshBase.override { withLdns = false; };',
        '  ssh-copy-id = callPackage ../tools/copyid { };',
        '  sshfs = callPackage ../tools/sshfs { openssh = opensshNoDns; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': packageFile('zlib'),
      'pkgs/tools/ldns/default.nix': packageFile('ldns', ['dns-root-data']),
      'pkgs/tools/openssh/default.nix': [
        '{ lib, stdenv, zlib, ldns, etcDir ? null, withLdns ? true }:',
        'stdenv.mkDerivation { pname = "openssh"; version = "9"; buildInputs = [ zlib ] ++ lib.optional withLdns ldns; }',
        '',
      ].join('\n'),
      'pkgs/tools/copyid/default.nix': packageFile('ssh-copy-id', ['openssh']),
      'pkgs/tools/sshfs/default.nix': packageFile('sshfs', ['openssh']),
    },
    temps,
    'nd-variant-fails-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['opensshNoDns', 'sshfs', 'zlib']);
});

test('a package whose file first asserts what its defaults fail on x86_64-linux is not counted, nor what is built with it', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  port = callPackage ../tools/port { inherit stdenv; };',
        '  portGiven = callPackage ../tools/port { maloader = zlib; };',
        '  tools = callPackage ../tools/tools { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      // Nothing binds maloader: the call leaves it null, and the assertion fails off Darwin.
      'pkgs/tools/port/default.nix': [
        '{ stdenv, zlib, maloader ? null }:',
        'assert (!stdenv.hostPlatform.isDarwin) -> maloader != null;',
        'stdenv.mkDerivation { pname = "port"; version = "1"; buildInputs = [ zlib ]; }',
        '',
      ].join('\n'),
      'pkgs/tools/tools/default.nix':
        '{ stdenv, port }:\nstdenv.mkDerivation { pname = "tools"; version = "1"; buildInputs = [ port ]; }\n',
    },
    temps,
    'nd-asserts-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['portGiven', 'zlib']);
});

test('what is built with a package whose default fails fails too, unless it is given the variant that passes the flag', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        // kbd is bound nowhere: systemd's call lacks a required input.
        '  systemd = callPackage ../tools/systemd { };',
        '  util-linux = callPackage ../tools/util-linux { };',
        '  util-linuxMinimal = util-linux.override { systemdSupport = false; };',
        // wolfssl takes util-linux as its binding calls it: systemdSupport's default evaluates systemd.
        '  wolfssl = callPackage ../tools/wolfssl { };',
        '  fuse = callPackage ../tools/wolfssl { util-linux = util-linuxMinimal; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/tools/systemd/default.nix':
        '{ stdenv, zlib, kbd }:\nstdenv.mkDerivation { pname = "systemd"; version = "255"; buildInputs = [ zlib kbd ]; }\n',
      'pkgs/tools/util-linux/default.nix': [
        '{ lib, stdenv, zlib, systemd, systemdSupport ? lib.meta.availableOn stdenv.hostPlatform systemd }:',
        'stdenv.mkDerivation { pname = "util-linux"; version = "2"; buildInputs = [ zlib ] ++ lib.optional systemdSupport systemd; }',
        '',
      ].join('\n'),
      'pkgs/tools/wolfssl/default.nix':
        '{ stdenv, util-linux }:\nstdenv.mkDerivation { pname = "wolfssl"; version = "5"; nativeBuildInputs = [ util-linux ]; }\n',
    },
    temps,
    'nd-available-taken-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['fuse', 'util-linuxMinimal', 'zlib']);
});
