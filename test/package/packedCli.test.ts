// The way README's "Other editors" installs the server: `npm pack` of this repository, a global
// install of the tarball, `nix-domains lsp --stdio`. Here the prefix is a temporary folder and
// the install is offline (the tarball must need nothing from the registry); the installed
// command answers initialize and a hover over JSON-RPC on the fixture domain.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';
import { cursor, FIXTURE, within } from '../helpers';
import { withoutOuterNpm } from '../npmEnv';

const ROOT = path.resolve(__dirname, '..', '..');
const HELLO = 'pkgs/by-name/he/hello/package.nix';
let dir: string;
let tarball: string;
let packed: string[];

function npm(args: string[], cwd: string) {
  const run = spawnSync('npm', args, { cwd, env: withoutOuterNpm(), encoding: 'utf8', timeout: 120_000 });
  assert.equal(
    run.status,
    0,
    `npm ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stdout}\n${run.stderr}`,
  );
  return run.stdout;
}

before(() => {
  assert.ok(existsSync(path.join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run npm run build first (npm test does)');
  dir = mkdtempSync(path.join(tmpdir(), 'nd-packed-'));
  // --ignore-scripts: `prepack` would build again while other tests run the bundles; npm test has built them.
  const report = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = path.join(dir, report[0]!.filename);
  packed = report[0]!.files.map((f) => f.path);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the tarball holds the bundles, the grammar and the demo domains, and no sources', () => {
  for (const file of [
    'package.json',
    'dist/cli.js',
    'dist/server.js',
    'dist/indexWorker.js',
    'dist/tree-sitter-nix.wasm',
    'dist/web-tree-sitter.wasm',
    'examples/universe/core/nix-domains.json',
  ]) {
    assert.ok(packed.includes(file), `${file} is not in the tarball`);
  }
  const sources = packed.filter((f) => /^(server|client|test|scripts|shared)\//.test(f) || f.endsWith('.map'));
  assert.deepEqual(sources, []);
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    dependencies?: object;
  };
  assert.equal(manifest.bin['nix-domains'], './dist/cli.js');
  assert.equal(manifest.dependencies, undefined, 'the bundles are self-contained: a global install fetches nothing');
});

test('installed globally into a prefix, `nix-domains lsp --stdio` answers initialize and a hover', async () => {
  const prefix = path.join(dir, 'prefix');
  npm(['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], dir);
  const bin = path.join(prefix, 'bin', 'nix-domains');
  assert.ok(existsSync(bin), `${bin} was not installed`);

  const help = spawnSync(bin, ['--help'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /nix-domains lsp --stdio/);

  // Its own cache folder, so the run leaves nothing in the user's.
  const env = { ...withoutOuterNpm(), XDG_CACHE_HOME: path.join(dir, 'cache'), NIX_DOMAINS_CACHE: '', NIX_DOMAINS_CACHE_DIR: '' };
  const client = await within(
    LspClient.start(FIXTURE, undefined, undefined, { env, command: [bin, 'lsp', '--stdio'] }),
    'the answer to initialize',
    30_000,
  );
  try {
    await within(client.waitForIndex(), 'the index-complete status', 60_000);
    const file = path.join(FIXTURE, HELLO);
    const uri = await client.open(file, readFileSync(file, 'utf8'));
    const hover = await within(
      client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri },
        position: cursor(FIXTURE, HELLO, 'zlib, py|thon3, jq'),
      }),
      'the hover on python3',
      30_000,
    );
    assert.ok(hover, 'no hover on python3');
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /\*\*pythonInterpreters\.python311\*\*/);
    assert.match(text, /`python3` resolves to/);
  } finally {
    await within(client.stop(), "the server's exit after shutdown", 15_000);
  }
});
