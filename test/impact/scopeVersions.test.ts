// A version a scope gives the files it calls (llvm's `callPackage = newScope (libraries // { inherit
// release_version; })`, with `release_version = "12.0.1";` in the set's `let`) is known to their
// conditions, and a part of it too (`lib.versions.major release_version == "12"`); a member selected
// from a copy of a set the file binds (`inherit (libraries) libunwind;`) is that binding. llvm 12's
// libunwind reads `libcxx.src` only on version 12, and its libcxx lacks an argument, so llvm 12's
// lld, which reads `libunwind.src` there, fails in Nix; llvm 13's evaluates.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const GROUP = '{ ... }:\nres: pkgs: super:\n\nwith pkgs;\n';

function versionSet(release: string): string {
  return [
    '{ lib, newScope, stdenv }:',
    'let',
    `  release_version = "${release}";`,
    '  libraries = lib.makeExtensible (libraries: let',
    '    callPackage = newScope (libraries // { inherit stdenv release_version; });',
    '  in {',
    '    libcxx = callPackage ../common/libcxx.nix { };',
    '    libunwind = callPackage ../common/libunwind.nix { };',
    '  });',
    '  tools = lib.makeExtensible (tools: let',
    '    callPackage = newScope (tools // { inherit stdenv release_version; });',
    '  in {',
    '    llvm = callPackage ../common/llvm.nix { };',
    '    lld = callPackage ../common/lld.nix { inherit (libraries) libunwind; };',
    '  });',
    'in { inherit tools libraries; } // libraries // tools',
    '',
  ].join('\n');
}

const LLVM: Record<string, string> = {
  'pkgs/by-name/ll/llvm/packages.nix': [
    `${GROUP}{`,
    '  llvmPackages_12 = callPackage ./12 { };',
    '  llvmPackages_13 = callPackage ./13 { };',
    '  llvm_12 = llvmPackages_12.llvm;',
    '  llvm_13 = llvmPackages_13.llvm;',
    '  lld_12 = llvmPackages_12.lld;',
    '  lld_13 = llvmPackages_13.lld;',
    '}',
    '',
  ].join('\n'),
  'pkgs/by-name/ll/llvm/12/default.nix': versionSet('12.0.1'),
  'pkgs/by-name/ll/llvm/13/default.nix': versionSet('13.0.1'),
  'pkgs/by-name/ll/llvm/common/llvm.nix':
    '{ stdenv, release_version }:\nstdenv.mkDerivation { pname = "llvm"; version = release_version; }\n',
  // Nothing binds libcxxrt: "called without required argument".
  'pkgs/by-name/ll/llvm/common/libcxx.nix':
    '{ stdenv, release_version, libcxxrt }:\nstdenv.mkDerivation { pname = "libcxx"; version = release_version; src = "libcxx-src"; }\n',
  'pkgs/by-name/ll/llvm/common/libunwind.nix': [
    '{ lib, stdenv, release_version, libcxx }:',
    'let',
    '  postUnpack = lib.optionalString (lib.versions.major release_version == "12") ' + "''",
    '    ln -s ${libcxx.src}/libcxx .',
    "  '';",
    'in',
    'stdenv.mkDerivation ({ pname = "libunwind"; version = release_version; src = "libunwind-src"; }',
    '  // (if postUnpack != "" then { inherit postUnpack; } else { }))',
    '',
  ].join('\n'),
  'pkgs/by-name/ll/llvm/common/lld.nix': [
    '{ lib, stdenv, release_version, llvm, libunwind ? null }:',
    'stdenv.mkDerivation {',
    '  pname = "lld";',
    '  version = release_version;',
    '  buildInputs = [ llvm ];',
    '  postPatch = lib.optionalString (lib.versions.major release_version == "12") ' + "''",
    '    tar -xf ${libunwind.src}',
    "  '';",
    '}',
    '',
  ].join('\n'),
};

test("a scope's version is known to the files it calls: llvm 12's lld fails with its libunwind, llvm 13's does not", async () => {
  const analyzer = await tempDomain(LLVM, temps, 'nd-scope-versions-');
  const top = (attrPath: string) => rebuildNames(analyzer, attrPath).filter((name) => !name.includes('.'));
  assert.deepEqual(top('llvmPackages_12.llvm'), ['llvm_12']);
  assert.deepEqual(top('llvmPackages_13.llvm'), ['lld_13', 'llvm_13']);
});

test("a call's own argument wins over the scope's, also when it is no literal (its value then unknown)", async () => {
  const own = (release: string) =>
    versionSet(release).replace(
      'lld = callPackage ../common/lld.nix { inherit (libraries) libunwind; };',
      'lld = callPackage ../common/lld.nix { inherit (libraries) libunwind; release_version = "13" + ".0.1"; };',
    );
  const analyzer = await tempDomain({ ...LLVM, 'pkgs/by-name/ll/llvm/12/default.nix': own('12.0.1') }, temps, 'nd-scope-versions-');
  const top = (attrPath: string) => rebuildNames(analyzer, attrPath).filter((name) => !name.includes('.'));
  // Not known to be version 12: lld 12 is not known to fail, and rebuilds with llvm 12.
  assert.deepEqual(top('llvmPackages_12.llvm'), ['lld_12', 'llvm_12']);
});
