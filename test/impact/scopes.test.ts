// A scope overridden with a set of members (rust's bootstrap set: `self.buildRustPackages.overrideScope
// (_: _: lib.optionalAttrs (stdenv.buildPlatform == stdenv.hostPlatform) (selectRustPackage
// pkgsBuildHost).packages.prebuilt)`): natively its cargo is the prebuilt one, so rustc, built with
// it, does not rebuild when the scope's own cargo changes. On the real core the index read the
// scope's cargo, and the cargo edit predicted rustc.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const GROUP = '{ ... }:\nres: pkgs: super:\n\nwith pkgs;\n';
const leaf = (name: string) => `{ stdenv }:\nstdenv.mkDerivation { pname = "${name}"; version = "1"; }\n`;

function rustDomain(condition: string, select = 'pkgs: pkgs.rust_1'): Record<string, string> {
  return {
    'pkgs/by-name/ru/rust/packages.nix': `${GROUP}{\n  rust_1 = callPackage ./1.nix { };\n  rustPackages = rust_1.packages.stable;\n  inherit (rustPackages) cargo rustc rustfmt;\n}\n`,
    'pkgs/by-name/ru/rust/1.nix': [
      '{ stdenv, lib, newScope, callPackage, pkgsBuildHost }@args:',
      `import ./default.nix { selectRustPackage = ${select}; } args`,
      '',
    ].join('\n'),
    'pkgs/by-name/ru/rust/default.nix': [
      '{ selectRustPackage }:',
      '{ stdenv, lib, newScope, callPackage, pkgsBuildHost }:',
      '{',
      '  packages = {',
      '    prebuilt = callPackage ./binary.nix { };',
      '    stable = lib.makeScope newScope (self: let',
      '      bootstrapRustPackages = self.buildRustPackages.overrideScope (_: _:',
      `        lib.optionalAttrs (${condition}) (selectRustPackage pkgsBuildHost).packages.prebuilt);`,
      '    in {',
      '      buildRustPackages = (selectRustPackage pkgsBuildHost).packages.stable;',
      '      rustc = self.callPackage ./rustc.nix { inherit (bootstrapRustPackages) cargo rustfmt; };',
      '      cargo = self.callPackage ./cargo.nix { };',
      '      rustfmt = self.callPackage ./rustfmt.nix { };',
      '    });',
      '  };',
      '}',
      '',
    ].join('\n'),
    'pkgs/by-name/ru/rust/binary.nix':
      '{ stdenv }:\nrec {\n  cargo = stdenv.mkDerivation { pname = "cargo-bootstrap"; version = "1"; };\n}\n',
    // rustfmt is named only under a condition the source says does not hold (a release tarball).
    'pkgs/by-name/ru/rust/rustc.nix': [
      '{ stdenv, lib, fetchurl, cargo, rustfmt }:',
      'stdenv.mkDerivation (finalAttrs: {',
      '  pname = "rustc";',
      '  version = "1";',
      '  src = fetchurl { url = "https://example.org/rustc.tar.gz"; passthru.isReleaseTarball = true; };',
      '  nativeBuildInputs = [ cargo ];',
      '  configureFlags = lib.optionals (!(finalAttrs.src.passthru.isReleaseTarball or false)) [ "--rustfmt=${rustfmt}/bin/rustfmt" ];',
      '})',
      '',
    ].join('\n'),
    'pkgs/by-name/ru/rust/cargo.nix': leaf('cargo'),
    'pkgs/by-name/ru/rust/rustfmt.nix': leaf('rustfmt'),
    'pkgs/by-name/fe/fetchurl/package.nix': '{ }:\nargs: derivation args\n',
    // A member of the whole package set is the top-level package, not the prebuilt one of that name.
    'pkgs/by-name/au/auditable/package.nix':
      '{ stdenv, buildPackages }:\nstdenv.mkDerivation { pname = "auditable"; version = "1"; nativeBuildInputs = [ buildPackages.cargo ]; }\n',
  };
}

test("a scope overridden with a set takes that set's members: rustc is built with the prebuilt cargo", async () => {
  const analyzer = await tempDomain(rustDomain('stdenv.buildPlatform == stdenv.hostPlatform'), temps, 'nd-scopes-');
  assert.deepEqual(rebuildNames(analyzer, 'packages.stable.cargo'), ['auditable', 'cargo']);
  assert.deepEqual(rebuildNames(analyzer, 'packages.stable.rustfmt'), ['rustfmt']);
});

test('an override under a condition that does not hold on x86_64-linux replaces nothing', async () => {
  const analyzer = await tempDomain(rustDomain('stdenv.buildPlatform != stdenv.hostPlatform'), temps, 'nd-scopes-');
  assert.deepEqual(rebuildNames(analyzer, 'packages.stable.cargo'), ['auditable', 'cargo', 'rustc']);
});

test("a member of an overriding set the index cannot follow is not taken for the scope's own", async () => {
  const files = rustDomain('stdenv.buildPlatform == stdenv.hostPlatform', 'pkgs: builtins.getAttr "rust_1" pkgs');
  const analyzer = await tempDomain(files, temps, 'nd-scopes-');
  assert.deepEqual(rebuildNames(analyzer, 'packages.stable.cargo'), ['auditable', 'cargo']);
});
