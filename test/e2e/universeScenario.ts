// What the end-to-end scenarios on the example universe open and where they look, shared by
// the code-server tests (universe.e2e.ts) and the @vscode/test-electron ones (test/electron/).
// Positions are 1-based, as the status bar shows them.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

// ---------------------------------------------------------------------------------------------
// Cross-domain scenarios (crossDomain.e2e.ts): the `rust` domain, which uses packages of `core`.

export const crossFiles = {
  /** In `rust`: a package whose inputs openssl and zlib, and maintainer _0x4A6F, come from core. */
  cargoAudit: 'pkgs/by-name/ca/cargo-audit/package.nix',
  /** In `core`: where openssl and zlib are defined. */
  openssl: 'pkgs/by-name/op/openssl/package.nix',
  zlib: 'pkgs/by-name/zl/zlib/package.nix',
};

export const crossAt = {
  /** `openssl,` in cargo-audit's formals. */
  opensslInput: { line: 7, col: 3 },
  /** `zlib,` in cargo-audit's formals. */
  zlibInput: { line: 8, col: 3 },
  /** `_0x4A6F` in cargo-audit's `with lib.maintainers; [ … ]`. */
  maintainer: { line: 37, col: 7 },
  /** Where F12 on openssl lands in core's openssl/package.nix: `meta.description`. */
  opensslDefinition: { line: 29, col: 5 },
  /** Where F12 on zlib lands in core's zlib/package.nix: `meta.description`. */
  zlibDefinition: { line: 21, col: 5 },
};

/** How `rust`'s nix-domains.json names `core`: a local checkout, or stubs and files by URL. */
export type CoreSource = { path: string } | { stubs: string; files: string };

/** Rewrites `rust`'s manifest so that it knows `core` through `source`. */
export function writeRustManifest(rust: string, core: CoreSource): void {
  writeFileSync(path.join(rust, 'nix-domains.json'), `${JSON.stringify({ domain: 'rust', domains: { core } }, null, 2)}\n`);
}

/**
 * A loopback HTTP server for one domain, as a user's stub host would be: the stub folder
 * (made by `nix-domains stub`) at `/`, and the domain's files at `/files/<rev>/<path>`.
 * `requests` lists every path asked for.
 */
export interface DomainServer {
  base: string;
  /** The manifest entry that points at this server. */
  source: { stubs: string; files: string };
  requests: string[];
  close(): Promise<void>;
}

export async function serveDomain(checkout: string, stubs: string): Promise<DomainServer> {
  const requests: string[] = [];
  const inside = (root: string, file: string) => file === root || file.startsWith(root + path.sep);
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(url);
    const [root, file] = url.startsWith('/files/')
      ? [checkout, path.join(checkout, ...url.split('/').slice(3))]
      : [stubs, path.join(stubs, url)];
    if (!inside(root, file) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    source: { stubs: `${base}/`, files: `${base}/files/{rev}/{path}` },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes the stubs of the domain checked out at `checkout` into `out` with the built CLI (`dist/cli.js`). */
export function writeStubs(checkout: string, out: string, cli = path.resolve('dist/cli.js')): void {
  execFileSync(process.execPath, [cli, 'stub', checkout, '--out', out], { stdio: 'pipe' });
}

/** The .vsix to install: NIX_DOMAINS_E2E_VSIX, else built here by `npm run package` (which builds first). */
export function extensionVsix(): string {
  if (process.env.NIX_DOMAINS_E2E_VSIX) return path.resolve(process.env.NIX_DOMAINS_E2E_VSIX);
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'package'], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (result.status !== 0) throw new Error(`npm run package failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  console.log(`npm run package: ${Date.now() - started} ms`);
  return path.resolve('nix-domains.vsix');
}
