// What nixpkgs' stdenv is built from, read from its bootstrap stages (pkgs/stdenv/linux): the
// stages bring the platform's libc forward under a name made from the platform
// (`${localSystem.libc} = getLibc prevStage;`: glibc on x86_64-linux), and glibc's file overrides
// what its builder makes (`(callPackage ./common.nix { … } { … }).overrideAttrs (…)`), so it is
// built with the builder's inputs (`python3Minimal`), without those a call passes as null. On the
// real core, editing cpython, expat, libffi or pkg-config rebuilt a third of what Nix rebuilds. What
// a stage overrides for its own builds (`dejagnu = super.dejagnu.overrideAttrs …`) is not what
// stdenv is made of; what the last stdenv names under `with prevStage;` is (gnumake).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { changedPackages } from '../../server/src/analysis/impact/changes';
import { RebuildModel } from '../../server/src/analysis/impact/closure';
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
        // Given a variant of libffi without its tests: what stdenv is made of, with that variant's flags.
        '  python3Minimal = callPackage ../tools/python { openssl = null; libffi = libffiBoot; };',
        '  libffiBoot = libffi.override { doCheck = false; };',
        '  glibc = callPackage ../tools/glibc { };',
        '  hello = callPackage ../tools/hello { };',
        '  gnumake = callPackage ../tools/gnumake { };',
        '  dejagnu = callPackage ../tools/dejagnu { };',
        '  libffi = callPackage ../tools/libffi { };',
        '  locales = callPackage ../tools/locales { };',
        '  unevaluable = callPackage ../tools/unevaluable { };',
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
        // A stage's own package, changed for what that stage builds: not what stdenv is made of.
        '  stage2 = prevStage: self: super: { dejagnu = super.dejagnu.overrideAttrs (a: { doCheck = false; }); };',
        // What the last stdenv may refer to, named under `with prevStage;`.
        '  stage3 = prevStage: { allowedRequisites = with prevStage; with lib; map getBin [ gnumake ]; };',
        'in [ stage1 stage2 stage3 ]',
        '',
      ].join('\n'),
      'pkgs/tools/zlib/default.nix': drv('zlib', []),
      'pkgs/tools/openssl/default.nix': drv('openssl', []),
      'pkgs/tools/bison/default.nix': drv('bison', []),
      // A check input of what a stage builds, whose tests run: stdenv is built with it (gnugrep's glibcLocales).
      'pkgs/tools/coreutils/default.nix':
        '{ stdenv, locales }:\nstdenv.mkDerivation { pname = "coreutils"; version = "9"; doCheck = true; nativeCheckInputs = [ locales ]; }\n',
      'pkgs/tools/locales/default.nix': drv('locales', []),
      // A check input that cannot evaluate fails nothing: Nix evaluates hello all the same.
      'pkgs/tools/hello/default.nix':
        '{ stdenv, unevaluable }:\nstdenv.mkDerivation { pname = "hello"; version = "2"; doCheck = true; nativeCheckInputs = [ unevaluable ]; }\n',
      'pkgs/tools/unevaluable/default.nix': drv('unevaluable', ['nothingBindsThis']),
      'pkgs/tools/gnumake/default.nix': drv('gnumake', []),
      'pkgs/tools/dejagnu/default.nix': drv('dejagnu', []),
      // Its tests run (`inherit doCheck;` with a default that holds): built with dejagnu.
      'pkgs/tools/libffi/default.nix': [
        '{ stdenv, doCheck ? !(stdenv.hostPlatform.isStatic), dejagnu }:',
        'stdenv.mkDerivation { pname = "libffi"; version = "3"; inherit doCheck; nativeCheckInputs = [ dejagnu ]; }',
        '',
      ].join('\n'),
      'pkgs/tools/python/default.nix': [
        '{ lib, stdenv, zlib, libffi, openssl ? null }:',
        'stdenv.mkDerivation { pname = "python3"; version = "3"; buildInputs = [ zlib libffi ] ++ lib.optional (openssl != null) openssl; }',
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
  assert.ok(rebuildNames(analyzer, 'gnumake').includes('hello'), `gnumake rebuilds ${rebuildNames(analyzer, 'gnumake').join(', ')}`);
  assert.deepEqual(rebuildNames(analyzer, 'dejagnu'), ['dejagnu', 'libffi'], 'libffiBoot runs no tests: stdenv is not built with dejagnu');
  assert.ok(rebuildNames(analyzer, 'libffi').includes('hello'), `libffi rebuilds ${rebuildNames(analyzer, 'libffi').join(', ')}`);
  assert.ok(rebuildNames(analyzer, 'locales').includes('hello'), `locales rebuilds ${rebuildNames(analyzer, 'locales').join(', ')}`);
});

test('a file the bootstrap stages import to make a derivation (the compiler wrapper) is stdenv; a fetcher is not', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  coreutils = callPackage ../tools/coreutils { };',
        '  hello = callPackage ../tools/hello { };',
        '  gcc = wrapCC (callPackage ../tools/gcc { });',
        '  gcc-unwrapped = callPackage ../tools/gcc { };',
        '  fortify-headers = callPackage ../tools/fortify-headers { };',
        '  wrapCC = cc: callPackage ../build-support/cc-wrapper { inherit cc; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/stdenv/linux/default.nix': [
        '{ lib, localSystem }:',
        'let',
        '  fetchurlBoot = import ../../build-support/fetchurl/boot.nix { inherit (localSystem) system; };',
        '  stage1 = prevStage: self: super: {',
        '    inherit (prevStage) coreutils;',
        // The wrapper is built with its `cc`; `fortify-headers` it uses only for musl.
        '    cc = lib.makeOverridable (import ../../build-support/cc-wrapper) { cc = prevStage.gcc-unwrapped; fortify-headers = prevStage.fortify-headers; };',
        '  };',
        '  stage2 = prevStage: { allowedRequisites = with prevStage; [ coreutils ] ++ lib.optionals (localSystem.libc == "musl") [ fortify-headers ]; };',
        'in [ stage1 stage2 ]',
        '',
      ].join('\n'),
      'pkgs/build-support/cc-wrapper/default.nix': [
        '{ lib, stdenvNoCC, cc, fortify-headers ? null, includeFortifyHeaders ? null }:',
        'let include = if includeFortifyHeaders != null then includeFortifyHeaders else stdenvNoCC.targetPlatform.libc == "musl"; in',
        'stdenvNoCC.mkDerivation { pname = "cc-wrapper"; version = "1"; buildInputs = [ cc ] ++ lib.optional include fortify-headers; }',
        '',
      ].join('\n'),
      'pkgs/tools/fortify-headers/default.nix': drv('fortify-headers', []),
      'pkgs/build-support/fetchurl/boot.nix': '{ system }:\n{ url, hash }:\nimport <nix/fetchurl.nix> { inherit url hash system; }\n',
      'pkgs/tools/coreutils/default.nix': drv('coreutils', []),
      'pkgs/tools/hello/default.nix': drv('hello', []),
      'pkgs/tools/gcc/default.nix': drv('gcc-unwrapped', []),
    },
    temps,
    'nd-bootstrap-imports-',
  );
  const model = RebuildModel.of(analyzer);
  assert.ok(model.stdenv.files.has('pkgs/build-support/cc-wrapper/default.nix'), [...model.stdenv.files].join(' '));
  assert.ok(!model.stdenv.files.has('pkgs/build-support/fetchurl/boot.nix'));
  const edit = (file: string) => changedPackages(analyzer, model, { files: [{ status: 'M', path: file }], lines: new Map() });
  const wrapper = edit('pkgs/build-support/cc-wrapper/default.nix');
  assert.equal(wrapper.stdenvChanged, true);
  assert.ok(
    model.rebuildClosure(wrapper.packages, { stdenvChanged: true }).domains[0]!.packages.includes('hello'),
    'everything built with stdenv rebuilds',
  );
  assert.ok(rebuildNames(analyzer, 'gcc-unwrapped').includes('hello'), 'the compiler the stages pass to the wrapper is stdenv');
  assert.ok(!rebuildNames(analyzer, 'fortify-headers').includes('hello'), 'what the wrapper uses only for musl is not');
});
