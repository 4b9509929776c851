// Packages built by a set's builder (`rustPlatform.buildRustPackage { … }`) and packages a set
// makes from a shared file applied to versions (`nix_2_18 = common { version = "2.18.2"; }`,
// `stable = addFallbackPathsCheck self.nix_2_18`, `nix = nixVersions.stable`). On the real core the
// index saw neither the rust tools' cargo and rustc nor that `nix` is `nix_2_18`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { definition } from '../../server/src/analysis/features/definition';
import { compareVersions, platformCondition } from '../../server/src/analysis/conditions';
import { NixParser } from '../../server/src/analysis/parser';
import { packageFile, rebuildNames, tempDomain, unknownInputs } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const GROUP = '{ ... }:\nres: pkgs: super:\n\nwith pkgs;\n';
const leaf = (name: string) => `{ stdenv }:\nstdenv.mkDerivation { pname = "${name}"; version = "1"; }\n`;

test("a derivation a set's builder makes is built with the builder's inputs", async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/ru/rust/packages.nix': `${GROUP}{\n  rustc = callPackage ./rustc.nix { };\n  rustPlatform = callPackage ./platform.nix { };\n}\n`,
      'pkgs/by-name/ru/rust/rustc.nix': leaf('rustc'),
      'pkgs/by-name/ru/rust/platform.nix': '{ callPackage }:\n{\n  buildRustPackage = callPackage ./build-rust-package.nix { };\n}\n',
      'pkgs/by-name/ru/rust/build-rust-package.nix':
        '{ stdenv, rustc }:\nargs: stdenv.mkDerivation (args // { nativeBuildInputs = [ rustc ]; })\n',
      'pkgs/by-name/md/mdbook/package.nix': '{ rustPlatform }:\nrustPlatform.buildRustPackage { pname = "mdbook"; version = "1"; }\n',
      // Only an attribute of the platform: no builder, no rebuild.
      'pkgs/by-name/ot/other/package.nix':
        '{ stdenv, rustPlatform }:\nstdenv.mkDerivation { pname = "other"; version = "1"; passthru.platform = rustPlatform.buildRustPackage; }\n',
    },
    temps,
    'nd-builders-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'rustc'), ['mdbook', 'rustc']);
});

test("a derivation the builder of an interpreter's own set makes is built with the interpreter", async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/py/python3/package.nix': leaf('python3'),
      // The interpreter's set (what `python3.pkgs` is at evaluation): its builders and a module.
      'pkgs/development/python-packages.nix':
        '{ callPackage }:\nself: {\n  buildPythonApplication = callPackage ./mk-python-derivation.nix { };\n  buildPythonPackage = self.buildPythonApplication;\n  six = 1;\n}\n',
      'pkgs/development/mk-python-derivation.nix': '{ stdenv }:\nattrs: stdenv.mkDerivation attrs\n',
      // scons: `python3.pkgs.buildPythonApplication { … }` builds with python3.
      'pkgs/by-name/sc/scons/package.nix': '{ python3 }:\npython3.pkgs.buildPythonApplication { pname = "scons"; version = "4"; }\n',
      // Only an attribute of the interpreter's set, or the builder not applied: evaluated, not built with.
      'pkgs/by-name/ot/other/package.nix':
        '{ stdenv, python3 }:\nstdenv.mkDerivation { pname = "other"; version = "1"; passthru = { six = python3.pkgs.six; b = python3.pkgs.buildPythonPackage; }; }\n',
    },
    temps,
    'nd-builders-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'python3'), ['python3', 'scons']);
});

test('a file applied to versions uses its inputs as the version makes them; a package decorated with tests keeps its name', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/ni/nix/packages.nix': `${GROUP}{\n  nixVersions = callPackage ./. { };\n  nix = nixVersions.stable;\n  nixLatest = nixVersions.nix_2_22;\n}\n`,
      'pkgs/by-name/ni/nix/default.nix': [
        '{ lib, config, callPackage }:',
        'let',
        '  common = args: callPackage (import ./common.nix ({ inherit lib; } // args)) { };',
        '  addTests = pkg: pkg // { tests = { }; passthru.tests = { }; };',
        'in lib.makeExtensible (self: ({',
        '  nix_2_18 = common { version = "2.18.2"; };',
        '  nix_2_22 = common { version = "2.22.0"; };',
        '  stable = addTests self.nix_2_18;',
        // Removed versions, as the real file lists them: the set is also over what this makes.
        '} // lib.optionalAttrs config.allowAliases (lib.listToAttrs (map (minor: lib.nameValuePair "nix_2_${toString minor}" (throw "removed")) (lib.range 4 17))))',
        '',
      ].join('\n'),
      'pkgs/by-name/ni/nix/common.nix': [
        '{ lib, version }:',
        'let',
        '  atLeast221 = lib.versionAtLeast version "2.21pre";',
        'in',
        '{ lib, stdenv, editline, git }:',
        'stdenv.mkDerivation {',
        '  pname = "nix"; inherit version;',
        '  buildInputs = [ editline ] ++ lib.optionals atLeast221 [ git ];',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/ed/editline/package.nix': leaf('editline'),
      'pkgs/by-name/gi/git/package.nix': leaf('git'),
      'pkgs/by-name/us/user/package.nix':
        '{ stdenv, nix }:\nstdenv.mkDerivation { pname = "user"; version = "1"; buildInputs = [ nix ]; }\n',
    },
    temps,
    'nd-applied-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  assert.deepEqual(names('editline'), ['editline', 'nix', 'nixLatest', 'user'], '`nix` is nix_2_18, with its inputs');
  assert.deepEqual(names('git'), ['git', 'nixLatest'], 'only 2.21 and later build with git');
  // F12 on the input `nix` lands on the binding that says which version it is.
  const places = await analyzer.withDocument('pkgs/by-name/us/user/package.nix', (doc) =>
    definition(analyzer, doc, { line: 0, character: 11 }),
  );
  assert.deepEqual(
    places?.map((p) => `${p.file}:${p.span[0]}`),
    ['pkgs/by-name/ni/nix/default.nix:7'],
  );
});

test("a package callPackage makes of a function named in its scope is that file's, built with its inner inputs", async () => {
  // The shape of the real core's ed: `ed = callPackage (self.sources.ed) { }`, where the scope's
  // `sources` is a file whose `ed` is `import ./generic.nix { … }` and generic.nix takes lzip.
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/xx/x/packages.nix': `${GROUP}{\n  inherit (recurseIntoAttrs (callPackage ./. { })) x;\n}\n`,
      'pkgs/by-name/xx/x/default.nix': [
        '{ lib, pkgs }:',
        'lib.makeScope pkgs.newScope (self:',
        '  let',
        '    inherit (self) callPackage;',
        '  in {',
        '    sources = import ./sources.nix { inherit lib; };',
        '    x = callPackage (self.sources.x) { };',
        '  })',
        '',
      ].join('\n'),
      'pkgs/by-name/xx/x/sources.nix': [
        '{ lib }:',
        '{',
        '  x = let',
        '    version = "1.2";',
        '  in import ./generic.nix {',
        '    pname = "x"; inherit version;',
        '  };',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/xx/x/generic.nix':
        '{ pname, version }:\n{ stdenv, lzip }:\nstdenv.mkDerivation { inherit pname version; nativeBuildInputs = [ lzip ]; }\n',
      'pkgs/by-name/lz/lzip/package.nix': leaf('lzip'),
      'pkgs/by-name/us/user/package.nix': packageFile('user', ['x']),
    },
    temps,
    'nd-named-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'lzip'), ['lzip', 'user', 'x']);
  // The catalog's inputs (hover's list, dependants) are the same formals.
  const x = analyzer.catalog.all().find((p) => p.attrPath === 'x')!;
  const inputs = analyzer.catalog.inputsOf(x);
  assert.deepEqual(
    inputs.map((i) => i.formal.name),
    ['stdenv', 'lzip'],
  );
  assert.equal(inputs[1]?.target?.file, 'pkgs/by-name/lz/lzip/package.nix');
  // F12 on the input `x` lands on the binding that gives generic.nix x's version.
  const places = await analyzer.withDocument('pkgs/by-name/us/user/package.nix', (doc) =>
    definition(analyzer, doc, { line: 0, character: 11 }),
  );
  assert.deepEqual(
    places?.map((p) => `${p.file}:${p.span[0]}`),
    ['pkgs/by-name/xx/x/sources.nix:2'],
  );
});

test("versions compare as Nix's compareVersions does", () => {
  const cases: [string, string, number][] = [
    ['2.18.2', '2.21pre', -1],
    ['2.21.2', '2.21pre', 1],
    ['2.4', '2.4pre', 1],
    ['1.0', '1.0.1', -1],
    ['1.0', '1.0a', -1],
    ['2.23.0pre20240502', '2.21pre', 1],
    ['17', '17', 0],
  ];
  for (const [a, b, expected] of cases) assert.equal(compareVersions(a, b), expected, `${a} vs ${b}`);
});

test('each binding that applies a wrapper function is a package of its own, built with what it passes', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/build-support/packages.nix': [
        GROUP,
        '{',
        '  wrapCCWith = { cc, bintools ? pkgs.bintools, ... }@extraArgs:',
        '    callPackage ./cc-wrapper (let self = { inherit cc bintools; } // extraArgs; in self);',
        '}',
        '',
      ].join('\n'),
      'pkgs/build-support/cc-wrapper/default.nix':
        '{ stdenv, cc, bintools, extraPackages ? [ ] }:\nstdenv.mkDerivation { pname = "cc-wrapper"; version = "1"; buildInputs = [ cc bintools ] ++ extraPackages; }\n',
      'pkgs/by-name/cc/compilers/packages.nix': [
        GROUP,
        '{',
        '  gcc = wrapCCWith { cc = gcc-unwrapped; };',
        '  clang = if stdenv.targetPlatform.useLLVM or false then clangUseLLVM else clangGNU;',
        '  clangUseLLVM = wrapCCWith { cc = clang-unwrapped; bintools = lld; };',
        // The packages a list given to the wrapper names are built with (clang's compiler-rt).
        '  clangGNU = wrapCCWith { cc = clang-unwrapped; extraPackages = [ compiler-rt ]; };',
        // A stdenv is no package to the index; one made with a compiler rebuilds with it.
        '  clangStdenv = overrideCC stdenv clang;',
        '  clangStdenvNoLibs = mkStdenvNoLibs clangStdenv;',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/bi/bintools/package.nix': leaf('bintools'),
      'pkgs/by-name/ll/lld/package.nix': leaf('lld'),
      'pkgs/by-name/co/compiler-rt/package.nix': leaf('compiler-rt'),
      'pkgs/by-name/gc/gcc-unwrapped/package.nix': leaf('gcc'),
      'pkgs/by-name/cm/cmake/package.nix': leaf('cmake'),
      'pkgs/by-name/cl/clang-unwrapped/package.nix':
        '{ stdenv, cmake }:\nstdenv.mkDerivation { pname = "clang"; version = "17"; nativeBuildInputs = [ cmake ]; }\n',
    },
    temps,
    'nd-wrappers-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  assert.deepEqual(names('cmake'), ['clang', 'clang-unwrapped', 'clangGNU', 'clangStdenv', 'clangStdenvNoLibs', 'clangUseLLVM', 'cmake']);
  assert.deepEqual(names('gcc-unwrapped'), ['gcc', 'gcc-unwrapped']);
  assert.deepEqual(names('lld'), ['clangUseLLVM', 'lld'], 'x86_64-linux does not use LLVM: clang is clangGNU');
  assert.deepEqual(names('compiler-rt'), ['clang', 'clangGNU', 'clangStdenv', 'clangStdenvNoLibs', 'compiler-rt']);
});

test("platform conditions read the platform's linker and libc as x86_64-linux has them", async () => {
  const parser = await NixParser.create();
  const read = (text: string) => {
    const tree = parser.parse(text);
    try {
      return platformCondition(tree.rootNode.namedChildren[0]!);
    } finally {
      tree.delete();
    }
  };
  assert.equal(read('stdenv.targetPlatform.linker == "lld"'), false);
  assert.equal(read('linker == "bfd"'), true, '`inherit (stdenv.targetPlatform) linker;` in a let');
  assert.equal(read('stdenv.targetPlatform.libc == null'), false);
  assert.equal(read('stdenv.hostPlatform.libc != "musl"'), true);
  assert.equal(read('stdenv.targetPlatform.useLLVM or false'), false);
  assert.equal(read('stdenv.cc.isClang'), false, "the stdenv's compiler is GCC");
  assert.equal(read('cc.isClang'), undefined, 'a compiler given as an input may be any');
  assert.equal(read('libc == "glibc"'), true, 'a name compared with a string is the platform string: a package never equals one');
  assert.equal(read('libc != null'), undefined, 'a name alone compared with null may be an input');
  assert.equal(read('stdenv.system == "x86_64-darwin"'), false, "the stdenv's system (util-linux's memstreamHook)");
  assert.equal(read('stdenv.hostPlatform.system == "x86_64-linux"'), true);
  // The static set: its host and target platforms are not its build platform.
  const statics = new Map([['@isStatic', true]]);
  const readStatic = (text: string) => {
    const tree = parser.parse(text);
    try {
      return platformCondition(tree.rootNode.namedChildren[0]!, statics);
    } finally {
      tree.delete();
    }
  };
  assert.equal(read('stdenv.hostPlatform == stdenv.buildPlatform'), true);
  assert.equal(readStatic('stdenv.hostPlatform == stdenv.buildPlatform'), false);
  assert.equal(readStatic('stdenv.hostPlatform != stdenv.targetPlatform'), false);
});

test("a file imported with arguments takes its outer inputs from the importing file; callPackage's own call of it still lacks them", async () => {
  // rust's shape in the real core: `1_77.nix` is `import ./default.nix { llvmShared = …; } args`,
  // and default.nix hands `llvmShared` to the compiler's file. by-name also calls default.nix.
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  llvm_17 = callPackage ../tools/llvm { };',
        '  toolchain_1_0 = callPackage ../by-name/to/toolchain/1_0.nix { };',
        '  compiler = toolchain_1_0.packages.compiler;',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/llvm/default.nix': packageFile('llvm'),
      'pkgs/by-name/to/toolchain/1_0.nix': [
        '{ stdenv, callPackage, llvm_17 }@args:',
        'import ./default.nix { llvmShared = llvm_17.override { enableSharedLibraries = true; }; } (builtins.removeAttrs args [ "llvm_17" ])',
        '',
      ].join('\n'),
      'pkgs/by-name/to/toolchain/default.nix': [
        '{ llvmShared }:',
        '{ stdenv, callPackage }:',
        '{ packages = { compiler = callPackage ./compiler.nix { inherit llvmShared; }; }; }',
        '',
      ].join('\n'),
      'pkgs/by-name/to/toolchain/compiler.nix': packageFile('compiler', ['llvmShared']),
    },
    temps,
    'nd-imported-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'llvm_17'), ['compiler', 'llvm_17']);
  assert.deepEqual(
    unknownInputs(analyzer, 'pkgs/by-name/to/toolchain/default.nix'),
    ['llvmShared'],
    'by-name calls default.nix with callPackage, which has no llvmShared to give',
  );
});

test("an overlay that sets a package's attributes anew leaves out the inputs named only there; a function that makes a derivation is built with what it names", async () => {
  // xorg's shape in the real core: generated packages written in place, an overlay beside them, and
  // trivial-builders' symlinkJoin, whose script runs lndir.
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  inherit (xorg) lndir xorgproto;',
        '  inherit (callPackage ../build-support/trivial-builders.nix { }) symlinkJoin emptyFile;',
        '  fakeNss = callPackage ../build-support/fake-nss { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/xo/xorg/packages.nix': [
        GROUP,
        '{',
        '  xorg = let',
        '    overrides = lib.callPackageWith __splicedPackages ./overrides.nix { };',
        '    generatedPackages = lib.callPackageWith __splicedPackages ./default.nix { };',
        '    xorgPackages = makeScopeWithSplicing\' { otherSplices = generateSplicesForMkScope "xorg"; f = lib.extends overrides generatedPackages; };',
        '  in recurseIntoAttrs xorgPackages;',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/xo/xorg/default.nix': [
        '{ lib, newScope, stdenv }:',
        'self: with self; {',
        '  xorgproto = callPackage ({ stdenv }: stdenv.mkDerivation { pname = "xorgproto"; version = "2024"; }) { };',
        '  lndir = callPackage ({ stdenv, xorgproto }: stdenv.mkDerivation { pname = "lndir"; version = "1.0.4"; buildInputs = [ xorgproto ]; }) { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/xo/xorg/overrides.nix': [
        '{ lib, callPackage }:',
        'self: super:',
        '{',
        '  lndir = super.lndir.overrideAttrs (attrs: { buildInputs = [ ]; meta = attrs.meta // { mainProgram = "lndir"; }; });',
        // Besides the overrides, a package of its own (the real file has some): a set of packages.
        '  wrapWithXFileSearchPathHook = callPackage ({ makeSetupHook }: makeSetupHook { name = "wrapWithXFileSearchPathHook"; } ./hook.sh) { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/build-support/trivial-builders.nix': [
        '{ lib, stdenv, lndir, callPackage }:',
        '{',
        '  symlinkJoin = { name, paths }: stdenv.mkDerivation { inherit name; buildCommand = "${lndir}/bin/lndir"; };',
        '  emptyFile = callPackage ./empty-file.nix { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/build-support/empty-file.nix': '{ stdenv }:\nstdenv.mkDerivation { name = "empty-file"; version = "1"; }\n',
      'pkgs/build-support/fake-nss/default.nix': '{ symlinkJoin }:\nsymlinkJoin { name = "fake-nss"; paths = [ ]; }\n',
    },
    temps,
    'nd-overlay-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'xorgproto'), ['xorgproto'], "lndir's buildInputs are set anew");
  assert.deepEqual(rebuildNames(analyzer, 'lndir'), ['fakeNss', 'lndir'], 'fakeNss is made by symlinkJoin, which runs lndir');
});

test('a curried builder applied in sight uses its inputs under what its inner function is given', async () => {
  // glibc's `common.nix`: `{ gd ? null, libpng ? null, … }: { withGd ? false, … }: … lib.optionals withGd [ gd libpng ]`,
  // applied by default.nix (`inherit withGd;`, its own flag) and locales.nix (not given: the default).
  const caller = (pname: string, formals: string, given: string) =>
    `{ stdenv, callPackage${formals} }:\n(callPackage ./common.nix { inherit stdenv; } { pname = "${pname}";${given} }).overrideAttrs (old: { meta = { description = "${pname}"; }; })\n`;
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/gl/glibc/packages.nix': [
        `${GROUP}{`,
        '  glibc = callPackage ./. { };',
        // Built with gd, whose call names a file that is gone: Nix cannot evaluate it.
        '  glibc_memusage = callPackage ./. { withGd = true; };',
        '  glibc_png = callPackage ./. { withPng = true; };',
        '  glibcLocales = callPackage ./locales.nix { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/gl/glibc/default.nix': caller('glibc', ', withGd ? false, withPng ? false', ' inherit withGd withPng;'),
      'pkgs/by-name/gl/glibc/locales.nix': caller('glibc-locales', '', ''),
      'pkgs/by-name/gl/glibc/common.nix': [
        '{ lib, stdenv, gd ? null, libpng ? null, zlib ? null }:',
        '{ pname, withGd ? false, withPng ? false, withZlib ? true }:',
        'assert withGd -> gd != null && libpng != null;',
        'stdenv.mkDerivation {',
        '  inherit pname; version = "2";',
        '  buildInputs = lib.optionals withGd [ gd libpng ] ++ lib.optionals withPng [ libpng ] ++ lib.optionals withZlib [ zlib ];',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/gd/gd/packages.nix': `${GROUP}{\n  gd = callPackage ../development/libraries/gd { };\n}\n`,
      'pkgs/by-name/li/libpng/package.nix': leaf('libpng'),
      'pkgs/by-name/zl/zlib/package.nix': leaf('zlib'),
    },
    temps,
    'nd-inner-args-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'libpng'), ['glibc_png', 'libpng']);
  assert.deepEqual(rebuildNames(analyzer, 'zlib'), ['glibc', 'glibcLocales', 'glibc_png', 'zlib']);
});
