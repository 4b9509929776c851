// A named function of the package set given a package in place of a set (`gfortran48 = wrapCC
// (gcc48.cc.override { … })`, where `wrapCC = cc: wrapCCWith { inherit cc; }`): the binding is a
// package of its own, built with what the function passes on as that parameter. On the real core
// every such binding was read as `wrapCC` itself, so gfortran48 was not built with gcc48 (nor with
// cloog, which only gcc 4.8 is given).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { packageFile as drv, rebuildNames, tempDomain, unknownInputs } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

test('a function given a package passes it where its set names the parameter', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  cloog = callPackage ../tools/cloog { };',
        '  gcc-unwrapped = callPackage ../tools/gcc-unwrapped { };',
        '  inherit (callPackage ../tools/gcc/all.nix { }) gcc48 gcc13;',
        '  wrapCCWith = { cc, ... }@extraArgs: callPackage ../build-support/cc-wrapper ({ inherit cc; } // extraArgs);',
        '  wrapCC = cc: wrapCCWith { inherit cc; };',
        '  gcc = wrapCCWith { cc = gcc-unwrapped; };',
        // A member of what a file makes at evaluation: its compiler (`.cc`) is that member.
        '  gfortran48 = wrapCC (gcc48.cc.override { langFortran = true; });',
        '  gfortran = wrapCC (gcc.cc.override { langFortran = true; });',
        '  gcc_debug = lowPrio (wrapCC (gcc.cc.overrideAttrs { dontStrip = true; }));',
        // A function given a name that calls no file stands for the function: `toString` leads nowhere.
        '  libgccFun = callPackage ../tools/libgcc { };',
        '  libgcc13 = libgccFun { majorMinorVersion = toString gcc13; };',
        // Around it, an application of a function to names counts as that function (as a bare name would).
        '  nested = seq gcc13 (wrapCC gcc13);',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/cloog/default.nix': drv('cloog', []),
      'pkgs/tools/gcc-unwrapped/default.nix': drv('gcc', []),
      'pkgs/tools/libgcc/default.nix': drv('libgcc', ['majorMinorVersion']),
      'pkgs/tools/gcc/default.nix': [
        '{ stdenv, majorMinorVersion ? "13", polyhedra ? null }:',
        'stdenv.mkDerivation { pname = "gcc"; version = majorMinorVersion; buildInputs = [ polyhedra ]; }',
        '',
      ].join('\n'),
      'pkgs/tools/gcc/all.nix': [
        '{ lib, callPackage, wrapCC, cloog }:',
        'let',
        '  gccFor = majorMinorVersion:',
        '    lib.nameValuePair "gcc${lib.replaceStrings [ "." ] [ "" ] majorMinorVersion}" (wrapCC (callPackage ./default.nix',
        '      ({ inherit majorMinorVersion; } // lib.optionalAttrs (majorMinorVersion == "4.8") { polyhedra = cloog; })));',
        'in lib.listToAttrs (map gccFor [ "4.8" "13" ])',
        '',
      ].join('\n'),
      'pkgs/build-support/cc-wrapper/default.nix': [
        '{ stdenv, cc ? null, libc ? null }:',
        'stdenv.mkDerivation { pname = "cc-wrapper"; version = "1"; buildInputs = [ cc libc ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-positional-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'cloog'), ['cloog', 'gcc48', 'gfortran48']);
  assert.deepEqual(rebuildNames(analyzer, 'gcc-unwrapped'), ['gcc', 'gcc-unwrapped', 'gcc_debug', 'gfortran']);
  const nested = analyzer.index.bindingsByName.get('nested')?.[0]?.val;
  const given = nested?.k === 'set' ? nested.positional?.map((v) => (v.k === 'ref' ? v.path.join('.') : v.k)) : undefined;
  assert.deepEqual(given, ['gcc13', 'wrapCC']);
  // callPackage gives libgcc no `majorMinorVersion`: the name a set given to a function binds is none.
  assert.deepEqual(unknownInputs(analyzer, 'pkgs/tools/libgcc/default.nix'), ['majorMinorVersion']);
});

test('bindings applying one function to names are packages of their own, and a package file that is such an application still has its inputs checked', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  foo = callPackage ../tools/foo { };',
        '  bar = callPackage ../tools/bar { };',
        '  enableDebugging = pkg: pkg.override { debug = true; };',
        '  fooDebug = enableDebugging foo;',
        '  barDebug = enableDebugging bar;',
        '  wrapFoo = callPackage ../tools/wrap-foo { };',
        '  wrapped = callPackage ../tools/wrapped { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/foo/default.nix': drv('foo', []),
      'pkgs/tools/bar/default.nix': drv('bar', []),
      'pkgs/tools/wrap-foo/default.nix': drv('wrap-foo', []),
      // The whole file applies a function to names; `doesNotExist` is provided by nothing.
      'pkgs/tools/wrapped/default.nix': '{ wrapFoo, foo, doesNotExist }:\nwrapFoo foo\n',
    },
    temps,
    'nd-positional-',
  );
  const names = (name: string) => {
    const pkg = analyzer.catalog.all().find((p) => p.attrPath === name || p.aliases?.includes(name));
    return pkg && [pkg.attrPath, ...(pkg.aliases ?? [])];
  };
  assert.deepEqual(names('fooDebug'), ['fooDebug'], 'fooDebug is no other name of barDebug');
  assert.deepEqual(names('barDebug'), ['barDebug']);
  assert.deepEqual(unknownInputs(analyzer, 'pkgs/tools/wrapped/default.nix'), ['doesNotExist']);
});

test('a function given an override whose set names what nothing binds is not counted', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  gcc-unwrapped = callPackage ../tools/gcc-unwrapped { };',
        '  wrapCCWith = { cc, ... }@extraArgs: callPackage ../build-support/cc-wrapper ({ inherit cc; } // extraArgs);',
        '  wrapCC = cc: wrapCCWith { inherit cc; };',
        '  gcc = wrapCCWith { cc = gcc-unwrapped; };',
        '  gfortran = wrapCC (gcc.cc.override { langFortran = true; });',
        // No package is named zip (the compiler's file only passes its formal on in a set of its own):
        // Nix looks the name up when it builds the override's set, "undefined variable 'zip'".
        '  gcj = wrapCC (gcc.cc.override { langJava = true; inherit zip; });',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/gcc-unwrapped/default.nix': [
        '{ stdenv, langFortran ? false, langJava ? false, zip ? null }:',
        'let java = { inherit zip; }; in',
        'stdenv.mkDerivation { pname = "gcc"; version = "13"; passthru = { inherit java; }; }',
        '',
      ].join('\n'),
      'pkgs/build-support/cc-wrapper/default.nix': [
        '{ stdenv, cc ? null, libc ? null }:',
        'stdenv.mkDerivation { pname = "cc-wrapper"; version = "1"; buildInputs = [ cc libc ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-positional-unbound-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'gcc-unwrapped'), ['gcc', 'gcc-unwrapped', 'gfortran']);
});
