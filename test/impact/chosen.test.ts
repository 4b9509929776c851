// A package set chosen at evaluation (`llvmPackages = pkgs.${"llvmPackages_${minSupported}"}`,
// `minSupported` computed from the platform) and the variants its members are
// (`clang-manpages = llvmPackages.clang-manpages`, an `.override { enableManpages = true; }` in
// the set). On the real core every edit that rebuilds sphinx missed clang-manpages, and each
// predicted llvm-manpages, which Nix cannot evaluate (its manual needs a Python module no file binds).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const GROUP = '{ ... }:\nres: pkgs: super:\n\nwith pkgs;\n';

// As the real llvm sets are written: members of an extensible set that names itself `tools`.
const llvmSet = (version: number) =>
  [
    '{ lib, callPackage }:',
    'let',
    '  tools = lib.makeExtensible (tools: {',
    `    libclang = callPackage ../clang { version = "${version}"; };`,
    `    libllvm = callPackage ../llvm { version = "${version}"; };`,
    '    clang-manpages = lib.lowPrio (tools.libclang.override { enableManpages = true; });',
    '    llvm-manpages = lib.lowPrio (tools.libllvm.override { enableManpages = true; });',
    '  });',
    '  noExtend = extensible: lib.attrsets.removeAttrs extensible [ "extend" ];',
    'in { inherit tools; } // (noExtend tools)',
    '',
  ].join('\n');

test('a package set chosen by the platform is the one Nix chooses, and a variant made in it is counted under its alias', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/ll/llvm/packages.nix': [
        GROUP,
        '{',
        '  clang-manpages = llvmPackages.clang-manpages;',
        '  llvm-manpages = llvmPackages.llvm-manpages;',
        '  llvmPackages =',
        '    let',
        '      choose = platform:',
        '        if platform.isDarwin then 16',
        '        else if platform.isLinux then 17',
        '        else 17;',
        '      minSupported = toString (lib.trivial.max (choose stdenv.hostPlatform) (choose stdenv.targetPlatform));',
        '    in',
        '    pkgs.${"llvmPackages_${minSupported}"};',
        '  llvmPackages_16 = recurseIntoAttrs (callPackage ./16 { });',
        '  llvmPackages_17 = recurseIntoAttrs (callPackage ./17 { });',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/ll/llvm/16/default.nix': llvmSet(16),
      'pkgs/by-name/ll/llvm/17/default.nix': llvmSet(17),
      'pkgs/by-name/ll/llvm/clang/default.nix': [
        '{ lib, stdenv, version, python3Packages, enableManpages ? false }:',
        'stdenv.mkDerivation {',
        '  pname = "clang"; inherit version;',
        '  nativeBuildInputs = lib.optionals enableManpages [ python3Packages.sphinx ];',
        '}',
        '',
      ].join('\n'),
      // recommonmark is bound nowhere: Nix cannot evaluate llvm-manpages ("attribute 'recommonmark' missing").
      'pkgs/by-name/ll/llvm/llvm/default.nix': [
        '{ lib, stdenv, version, python3Packages, enableManpages ? false }:',
        'stdenv.mkDerivation {',
        '  pname = "llvm"; inherit version;',
        '  nativeBuildInputs = lib.optionals enableManpages [ python3Packages.sphinx python3Packages.recommonmark ];',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/py/python/packages.nix': `${GROUP}{\n  python3Packages = callPackage ./python-packages.nix { };\n}\n`,
      // The Python set binds a name `pkgs` of its own: `pkgs.llvmPackages_17` in an overlay is still the whole set's.
      'pkgs/by-name/py/python/python-packages.nix': [
        '{ lib, stdenv }:',
        'self: with self; {',
        '  pkgs = { inherit sphinx; };',
        '  sphinx = stdenv.mkDerivation { pname = "sphinx"; version = "7"; };',
        '}',
        '',
      ].join('\n'),
    },
    temps,
    'nd-chosen-',
  );
  const chosen = analyzer.resolver.lookupGlobal('llvmPackages');
  assert.equal(chosen?.file, 'pkgs/by-name/ll/llvm/17/default.nix', 'x86_64-linux takes llvmPackages_17');
  const names = (name: string) => rebuildNames(analyzer, name);
  const sphinx = names('python3Packages.sphinx');
  assert.ok(sphinx.includes('clang-manpages'), `clang-manpages is built with sphinx: ${sphinx.join(', ')}`);
  assert.ok(!sphinx.includes('llvm-manpages'), `llvm-manpages cannot evaluate: ${sphinx.join(', ')}`);
  assert.ok(!sphinx.includes('llvmPackages_17.libclang'), 'libclang is built without its manual');
  assert.ok(names('llvmPackages_17.libclang').includes('clang-manpages'), "a change to clang's file rebuilds its variant");
});
