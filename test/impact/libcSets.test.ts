// Members of the package sets stage.nix makes for a musl platform (`pkgsStatic`, `pkgsMusl`) are
// built with that set's stdenv, whose C library is musl. On the real core, `busybox-sandbox-shell`
// takes `pkgsStatic.busybox` (and nix and lix take it), and `nixStatic = pkgsStatic.nix`: a change
// to musl rebuilds them, where the index read `pkgsStatic.busybox` as busybox alone.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { NixParser } from '../../server/src/analysis/parser';
import { extractFacts } from '../../server/src/analysis/facts';
import { packageFile, rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

// The shape of nixpkgs' stage.nix: the sets are made by `nixpkgsFun` with a platform whose ABI a let-bound function makes musl.
const STAGE = [
  '{ lib, nixpkgsFun, stdenv, overlays, ... }:',
  'let',
  '  makeMuslParsedPlatform = parsed:',
  '    (parsed // { abi = { gnu = lib.systems.parse.abis.musl; }.${parsed.abi.name} or lib.systems.parse.abis.musl; });',
  '  otherPackageSets = self: super: {',
  '    pkgsMusl = if stdenv.hostPlatform.isLinux && stdenv.buildPlatform.is64bit then nixpkgsFun {',
  "      overlays = [ (self': super': { pkgsMusl = super'; }) ] ++ overlays;",
  '      localSystem = { parsed = makeMuslParsedPlatform stdenv.hostPlatform.parsed; };',
  '    } else throw "Musl libc only supports 64-bit Linux systems.";',
  '    pkgsi686Linux = nixpkgsFun {',
  '      localSystem = { parsed = stdenv.hostPlatform.parsed // { cpu = lib.systems.parse.cpuTypes.i686; }; };',
  '    };',
  '    pkgsStatic = nixpkgsFun {',
  '      crossSystem = {',
  '        isStatic = true;',
  '        parsed = if stdenv.isLinux then makeMuslParsedPlatform stdenv.hostPlatform.parsed else stdenv.hostPlatform.parsed;',
  '      };',
  '    };',
  '    # Not a musl platform on x86_64-linux: the branch taken keeps glibc.',
  '    pkgsLLVM = nixpkgsFun { crossSystem = { parsed = if stdenv.isDarwin then makeMuslParsedPlatform stdenv.hostPlatform.parsed else stdenv.hostPlatform.parsed; }; };',
  '  };',
  "in lib.foldl' (x: f: x // f x) { } [ otherPackageSets ]",
  '',
].join('\n');

test('the facts of stage.nix name the sets made for a musl platform', async () => {
  const parser = await NixParser.create();
  const tree = parser.parse(STAGE);
  try {
    const facts = extractFacts('pkgs/top-level/stage.nix', tree, false);
    assert.deepEqual(facts.libcSets, { pkgsMusl: 'musl', pkgsStatic: 'musl' });
  } finally {
    tree.delete();
  }
});

test('a member of a set made for musl is built with musl and what its stdenv adds: what takes it, and a name bound to it, rebuild with them', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/stage.nix': STAGE,
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  musl = callPackage ../os/musl { };',
        '  zlib = callPackage ../os/zlib { };',
        '  fortify-headers = callPackage ../os/fortify-headers { };',
        '  busybox = callPackage ../os/busybox { };',
        '  busybox-sandbox-shell = callPackage ../os/sandbox-shell {',
        '    busybox = if !stdenv.hostPlatform.isRiscV then pkgsStatic.busybox else busybox;',
        '  };',
        '  busybox32 = callPackage ../os/sandbox-shell { busybox = pkgsi686Linux.busybox; };',
        '  nix = callPackage ../os/nix { };',
        '  nixStatic = pkgsStatic.nix;',
        '  nixMusl = pkgsMusl.nix;',
        '}',
        '',
      ].join('\n'),
      // A bootstrap stage whose stdenv, on a musl platform, also has fortify-headers.
      'pkgs/stdenv/linux/default.nix': [
        '{ lib, localSystem, ... }:',
        'prevStage: {',
        '  allowedRequisites = with prevStage; [ zlib ] ++ lib.optionals (localSystem.libc == "musl") [ fortify-headers ];',
        '}',
        '',
      ].join('\n'),
      'pkgs/os/fortify-headers/default.nix': packageFile('fortify-headers'),
      'pkgs/os/musl/default.nix': packageFile('musl'),
      'pkgs/os/zlib/default.nix': packageFile('zlib'),
      'pkgs/os/busybox/default.nix': packageFile('busybox', ['zlib']),
      'pkgs/os/sandbox-shell/default.nix': '{ busybox }:\nbusybox.override { enableStatic = true; }\n',
      'pkgs/os/nix/default.nix': packageFile('nix', ['busybox-sandbox-shell', 'zlib']),
    },
    temps,
    'nd-musl-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'musl'), ['busybox-sandbox-shell', 'musl', 'nix', 'nixMusl', 'nixStatic']);
  // What the stdenv of a musl platform adds: the same names.
  assert.deepEqual(rebuildNames(analyzer, 'fortify-headers'), ['busybox-sandbox-shell', 'fortify-headers', 'nix', 'nixMusl', 'nixStatic']);
  // The set for i686 keeps glibc; and the rest is as before.
  assert.deepEqual(rebuildNames(analyzer, 'busybox'), ['busybox', 'busybox-sandbox-shell', 'busybox32', 'nix', 'nixMusl', 'nixStatic']);
});
