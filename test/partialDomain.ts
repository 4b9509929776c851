// The domain the tests of the partial index run on: the fixture domain, plus a package set no
// file read first calls (its names are known only once indexing reads it) and a by-name package
// taking one of those names and one that nothing defines.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURE } from './helpers';

export const NUMPY = 'pkgs/development/python-modules/numpy/default.nix';
export const CPYTHON = 'pkgs/development/interpreters/python/cpython/default.nix';
export const WIDGET = 'pkgs/by-name/wi/widget/package.nix';
/** A package set nothing read first calls. */
export const EXTRAS = 'pkgs/misc/extras.nix';

/** A fresh copy of that domain in a temp folder; its root. */
export function partialDomain(): string {
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), 'nd-partial-')), 'core');
  cpSync(FIXTURE, root, { recursive: true });
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write(EXTRAS, '{ callPackage }:\n{\n  gadget = callPackage ./gadget.nix { };\n}\n');
  write('pkgs/misc/gadget.nix', '{ stdenv }:\nstdenv.mkDerivation { pname = "gadget"; version = "1.0"; meta.description = "A gadget"; }\n');
  write(WIDGET, '{ lib, stdenv, gadget, libfrobnicate }:\nstdenv.mkDerivation { pname = "widget"; version = "0.1"; }\n');
  return root;
}
