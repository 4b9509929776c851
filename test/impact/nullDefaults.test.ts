// A formal whose default is `null` and that callPackage leaves to it (`includeFortifyHeaders ? null`
// in the compiler wrapper: no package or set member of that name, and the call passes none). On the
// real core every compiler wrapper was taken to be built with fortify-headers, which the wrapper
// adds only when that flag is given or the platform's libc is musl.
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

// The wrapper's shape: asserts before the `let` that reads the flag, the input used under it.
const WRAPPER = [
  '{ lib, stdenv, nativeTools ? false, cc ? null, fortify-headers ? null, includeFortifyHeaders ? null, withLocale ? null, locale ? null }:',
  '',
  'assert nativeTools -> cc != null;',
  'assert !nativeTools -> cc != null;',
  'assert true;',
  'assert !false;',
  'let',
  "  includeFortifyHeaders' = if includeFortifyHeaders != null",
  '    then includeFortifyHeaders',
  '    else (stdenv.targetPlatform.libc == "musl");',
  'in',
  "assert includeFortifyHeaders' -> fortify-headers != null;",
  'stdenv.mkDerivation {',
  '  pname = "wrapper";',
  '  version = "1";',
  '  postFixup = lib.optionalString includeFortifyHeaders\' "-isystem ${fortify-headers}/include"',
  '    + lib.optionalString (withLocale != null) "${locale}";',
  '}',
  '',
].join('\n');

test('a formal with a null default nothing provides is null for callPackage, and conditions over it are known', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/fo/fortify-headers/package.nix': leaf('fortify-headers'),
      'pkgs/by-name/gc/gcc/package.nix': leaf('gcc'),
      'pkgs/by-name/lo/locale/package.nix': leaf('locale'),
      // `withLocale` is a package of the domain: callPackage gives it, so the condition is not known.
      'pkgs/by-name/wi/withLocale/package.nix': leaf('withLocale'),
      'pkgs/by-name/wr/wrappers/packages.nix': [
        GROUP,
        '{',
        '  wrapped = callPackage ./wrapper.nix { cc = gcc; };',
        '  wrappedAsked = callPackage ./wrapper.nix { cc = gcc; includeFortifyHeaders = config.fortify; };',
        // A function that callPackages the file with what it is given (`wrapCCWith`), and one over it (`wrapCC`).
        '  wrapWith = { cc, ... }@extra: callPackage ./wrapper.nix ({ inherit cc; } // extra);',
        '  wrap = cc: wrapWith { inherit cc; };',
        '  wrappedByFunction = wrapWith { cc = gcc; };',
        '  wrappedTwice = wrap (gcc // { meta.broken = false; });',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/wr/wrappers/wrapper.nix': WRAPPER,
    },
    temps,
    'nd-nulls-',
  );
  // Not passed, and nothing binds the name: null, so the platform's libc (glibc) decides.
  assert.deepEqual(rebuildNames(analyzer, 'fortify-headers'), ['fortify-headers', 'wrappedAsked']);
  // A name the domain binds is what callPackage gives: the condition stays open.
  assert.deepEqual(rebuildNames(analyzer, 'locale'), ['locale', 'wrapped', 'wrappedAsked', 'wrappedByFunction', 'wrappedTwice']);
});
