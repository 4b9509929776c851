// What nixpkgs' stdenv is built from, read from its bootstrap stages (pkgs/stdenv/linux): the
// stages bring the platform's libc forward under a name made from the platform
// (`${localSystem.libc} = getLibc prevStage;`: glibc on x86_64-linux), and glibc's file overrides
// what its builder makes (`(callPackage ./common.nix { … } { … }).overrideAttrs (…)`), so it is
// built with the builder's inputs (`python3Minimal`), without those a call passes as null. On the
// real core, editing cpython, expat, libffi or pkg-config rebuilt a third of what Nix rebuilds.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { packageFile as drv, rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

test("the bootstrap stages' libc and what its builder is built with make stdenv", async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  zlib = callPackage ../tools/zlib { };',
        '  openssl = callPackage ../tools/openssl { };',
        '  bison = callPackage ../tools/bison { };',
        '  coreutils = callPackage ../tools/coreutils { };',
        '  python3Minimal = callPackage ../tools/python { openssl = null; };',
        '  glibc = callPackage ../tools/glibc { };',
        '  hello = callPackage ../tools/hello { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/stdenv/linux/default.nix': [
        '{ lib, localSystem }:',
        'let',
        '  getLibc = stage: stage.${localSystem.libc};',
        '  stage1 = prevStage: self: super: {',
        '    inherit (prevStage) coreutils;',
        '    ${localSystem.libc} = getLibc prevStage;',
        '  };',
        'in [ stage1 ]',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': drv('zlib', []),
      'pkgs/tools/openssl/default.nix': drv('openssl', []),
      'pkgs/tools/bison/default.nix': drv('bison', []),
      'pkgs/tools/coreutils/default.nix': drv('coreutils', []),
      'pkgs/tools/hello/default.nix': drv('hello', []),
      'pkgs/tools/python/default.nix': [
        '{ lib, stdenv, zlib, openssl ? null }:',
        'stdenv.mkDerivation { pname = "python3"; version = "3"; buildInputs = [ zlib ] ++ lib.optional (openssl != null) openssl; }',
        '',
      ].join('\n'),
      'pkgs/tools/glibc/default.nix': [
        '{ lib, stdenv, callPackage }:',
        '(callPackage ./common.nix { inherit stdenv; } { pname = "glibc"; }).overrideAttrs (old: {',
        '  meta = { description = "The GNU C Library"; };',
        '})',
        '',
      ].join('\n'),
      'pkgs/tools/glibc/common.nix': [
        '{ stdenv, bison, python3Minimal }:',
        '{ pname }:',
        'stdenv.mkDerivation { inherit pname; version = "2"; nativeBuildInputs = [ bison python3Minimal ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-bootstrap-',
  );
  assert.ok(rebuildNames(analyzer, 'zlib').includes('hello'), `zlib rebuilds ${rebuildNames(analyzer, 'zlib').join(', ')}`);
  assert.ok(rebuildNames(analyzer, 'bison').includes('hello'), `bison rebuilds ${rebuildNames(analyzer, 'bison').join(', ')}`);
  assert.deepEqual(rebuildNames(analyzer, 'openssl'), ['openssl']);
});
