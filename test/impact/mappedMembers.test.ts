// A member of a set a file makes by mapping a function over a list of versions (gcc's all.nix:
// `lib.listToAttrs (map gccForMajorMinorVersion versions.allMajorVersions)`) takes only what the
// function gives its own version: on the real core every gcc was built with cloog, which only
// 4.8 (cloog) and 4.9 (cloog_0_18_0) are given.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { packageFile as drv, rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

test('a member made by mapping a function over versions takes what its version is given', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  isl = callPackage ../tools/isl { };',
        '  cloog = callPackage ../tools/cloog { };',
        '  cloog_0_18_0 = callPackage ../tools/cloog/old.nix { };',
        '  texinfo5 = callPackage ../tools/texinfo { };',
        '  inherit (callPackage ../tools/gcc/all.nix { }) gcc48 gcc49 gcc6 gcc13;',
        '  gcc_latest = gcc13;',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/isl/default.nix': drv('isl', []),
      'pkgs/tools/cloog/default.nix': drv('cloog', []),
      'pkgs/tools/cloog/old.nix': drv('cloog', []),
      'pkgs/tools/texinfo/default.nix': drv('texinfo', []),
      'pkgs/tools/gcc/versions.nix': [
        'let',
        '  majorMinorToVersionMap = { "13" = "13.2.0"; "6" = "6.5.0"; "4.9" = "4.9.4"; "4.8" = "4.8.5"; };',
        'in { allMajorVersions = builtins.attrNames majorMinorToVersionMap; }',
        '',
      ].join('\n'),
      'pkgs/tools/gcc/all.nix': [
        '{ lib, stdenv, callPackage, isl, cloog, cloog_0_18_0, texinfo5 }:',
        'let',
        '  versions = import ./versions.nix;',
        '  gccFor = majorMinorVersion:',
        '    let',
        '      atLeast = lib.versionAtLeast majorMinorVersion;',
        '      attrName = "gcc${lib.replaceStrings [ "." ] [ "" ] majorMinorVersion}";',
        '      pkg = callPackage ./default.nix ({ inherit isl majorMinorVersion; }',
        '        // lib.optionalAttrs (majorMinorVersion == "4.8") { texinfo = texinfo5; }',
        '        // lib.optionalAttrs (!(atLeast "6")) {',
        '          cloog = if stdenv.isDarwin then null else if atLeast "4.9" then cloog_0_18_0 else cloog;',
        '        });',
        '    in lib.nameValuePair attrName pkg;',
        'in lib.listToAttrs (map gccFor versions.allMajorVersions)',
        '',
      ].join('\n'),
      'pkgs/tools/gcc/default.nix': [
        '{ stdenv, isl, majorMinorVersion, cloog ? null, texinfo ? null }:',
        'stdenv.mkDerivation { pname = "gcc"; version = majorMinorVersion; buildInputs = [ isl cloog texinfo ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-mapped-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'cloog'), ['cloog', 'gcc48']);
  assert.deepEqual(rebuildNames(analyzer, 'cloog_0_18_0'), ['cloog_0_18_0', 'gcc49']);
  assert.deepEqual(rebuildNames(analyzer, 'texinfo5'), ['gcc48', 'texinfo5']);
  assert.deepEqual(rebuildNames(analyzer, 'isl'), ['gcc13', 'gcc48', 'gcc49', 'gcc6', 'gcc_latest', 'isl']);
});
