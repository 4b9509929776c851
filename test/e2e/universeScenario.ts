// What the end-to-end scenarios on the example universe open and where they look, shared by
// the code-server tests (universe.e2e.ts) and the @vscode/test-electron ones (test/electron/).
// Positions are 1-based, as the status bar shows them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createExampleUniverse } from '../../scripts/example-universe';

/** The wave branch of `core` the scenarios check out. */
export const waveBranch = 'WIP-Wave1.3';

export const files = {
  numpy: 'pkgs/development/python-modules/numpy/default.nix',
  cpython: 'pkgs/development/interpreters/python/cpython/default.nix',
  /** Added to the temp universe: a by-name package with an input no domain defines. */
  hello: 'pkgs/by-name/he/hello/package.nix',
};

export const at = {
  /** `python,` in numpy's formals: an alias (python → python3 → python311 → cpython/). */
  pythonInput: { line: 5, col: 3 },
  /** `grace` in numpy's `with lib.maintainers; [ … ]`. */
  maintainer: { line: 30, col: 7 },
  /** Where F12 on `python` lands in cpython/default.nix: `meta.description`. */
  pythonDefinition: { line: 59, col: 5 },
  /** `libfrobnicate,` in hello's formals. */
  unknownInput: { line: 5, col: 3 },
};

const helloText = `{
  lib,
  stdenv,
  fetchurl,
  libfrobnicate,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "hello";
  version = "2.12.1";

  src = fetchurl {
    url = "mirror://gnu/hello/hello-\${finalAttrs.version}.tar.gz";
    hash = "sha256-jZkUKv2SV28wsM18tCqNxoCZmLxdYH2Idh9RLibH2yA=";
  };

  buildInputs = [ libfrobnicate ];

  meta = {
    description = "Program that produces a familiar, friendly greeting";
    license = lib.licenses.gpl3Plus;
  };
})
`;

/**
 * Creates the example universe in `dir`, checks out the wave branch in `core` and adds the
 * package with an unknown input (untracked: the server lists untracked files too); returns
 * the path of `core`, the folder to open.
 */
export async function prepareUniverse(dir: string, sourceDir?: string): Promise<string> {
  const universe = await createExampleUniverse(dir, sourceDir ? { sourceDir } : {});
  execFileSync('git', ['-C', universe.core, 'checkout', '-q', waveBranch]);
  mkdirSync(path.dirname(path.join(universe.core, files.hello)), { recursive: true });
  writeFileSync(path.join(universe.core, files.hello), helloText);
  return universe.core;
}
