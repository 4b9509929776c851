// Changed files → changed packages → rebuilds, in real temporary git repositories holding a copy
// of the fixture domain; the CLI's markdown too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { RebuildModel } from '../../server/src/analysis/impact/closure';
import { branchChanges, changedPackages, parseHunks } from '../../server/src/analysis/impact/changes';
import { branchImpactReport } from '../../server/src/analysis/impact/branchReport';
import { rebuildBucket, rebuildLabel } from '../../server/src/analysis/impact/report';
import { impactCommand } from '../../server/src/cli/impact';
import { git, tempDir } from '../waves/gitRepo';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'nix-eval-domain');
let dir = '';
let cacheDir = '';

before(async () => {
  cacheDir = await tempDir('impact-cache-');
  process.env.NIX_DOMAINS_CACHE_DIR = cacheDir;
  process.env.NIX_DOMAINS_INDEX_WORKERS = '0';
});
after(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** A repository with the fixture on `main`, and a `work` branch checked out. */
async function repo(): Promise<string> {
  dir = await tempDir('impact-');
  await cp(FIXTURE, dir, { recursive: true });
  await writeFile(path.join(dir, 'nix-domains.json'), '{ "domain": "core" }\n');
  await git(dir, 'init', '-q');
  await git(dir, 'add', '.');
  await git(dir, 'commit', '-q', '-m', 'fixture');
  await git(dir, 'checkout', '-q', '-b', 'work');
  return dir;
}

async function edit(file: string, from: string, to: string): Promise<void> {
  const full = path.join(dir, file);
  const text = await readFile(full, 'utf8');
  assert.ok(text.includes(from), `${from} not in ${file}`);
  await writeFile(full, text.replace(from, to));
}

async function analyze(root: string): Promise<Analyzer> {
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  await analyzer.indexAll();
  return analyzer;
}

test('hunks of a -U0 diff: changed lines of the new side, deletions between lines', () => {
  const diff = [
    'diff --git a/x.nix b/x.nix',
    '--- a/x.nix',
    '+++ b/x.nix',
    '@@ -3 +3 @@ a',
    '-old',
    '+new',
    '@@ -10,2 +9,0 @@ b',
    '-gone',
    '-gone',
    '@@ -20,0 +19,3 @@ c',
    '+a',
    '+b',
    '+c',
  ].join('\n');
  assert.deepEqual(
    [...parseHunks(diff)],
    [
      [
        'x.nix',
        [
          [2, 2],
          [9, 8],
          [18, 20],
        ],
      ],
    ],
  );
});

test('committed, uncommitted and untracked changes map to packages', async () => {
  const root = await repo();
  try {
    await edit('pkgs/by-name/zl/zlib-ng/package.nix', 'version = "1.0"', 'version = "1.1"');
    await edit('pkgs/top-level/all-packages.nix', '{ openssl = openssl_1_1; }', '{ openssl = openssl; }');
    await writeFile(path.join(root, 'pkgs/development/libraries/sqlite/fix-locking.patch'), '--- a\n+++ b\n');
    await writeFile(path.join(root, 'README.md'), 'notes\n');
    await git(root, 'add', '.');
    await git(root, 'commit', '-q', '-m', 'change');
    // Not committed: an unstaged edit and an untracked file next to a by-name package.
    await edit('pkgs/by-name/he/hello/package.nix', 'version = "1.0"', 'version = "2.0"');
    await writeFile(path.join(root, 'pkgs/by-name/jq/jq/notes.txt'), 'x\n');

    const analyzer = await analyze(root);
    const changes = await branchChanges(root, 'main');
    const mapped = changedPackages(analyzer, RebuildModel.of(analyzer), changes);
    assert.deepEqual(
      mapped.files.map((f) => `${f.status} ${f.path} ${f.via}: ${f.packages.join(' ')}`),
      [
        'M pkgs/by-name/he/hello/package.nix package file: hello',
        'U pkgs/by-name/jq/jq/notes.txt package folder: jq',
        'M pkgs/by-name/zl/zlib-ng/package.nix package file: zlib-ng',
        'A pkgs/development/libraries/sqlite/fix-locking.patch package folder: sqlite sqlite-zlib-ng',
        'M pkgs/top-level/all-packages.nix package set lines: git',
        'A README.md none: ',
      ],
    );
    assert.equal(mapped.stdenvChanged, false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a change to stdenv itself rebuilds everything built with it; a nested set member by its lines', async () => {
  const root = await repo();
  try {
    await edit('pkgs/stdenv/default.nix', 'name = "stdenv";', 'name = "stdenv-2";');
    await edit(
      'pkgs/top-level/all-packages.nix',
      '    libXt = callPackage ../servers/x11/libXt { };',
      '    libXt = callPackage ../servers/x11/libXt { libXext = null; };',
    );
    const analyzer = await analyze(root);
    const report = await branchImpactReport(analyzer, 'main');
    assert.deepEqual(report.changed, ['xorg.libXt']);
    assert.equal(report.stdenvChanged, true);
    assert.equal(report.stdenv.touched, true);
    const core = report.domains[0]!;
    assert.equal(core.domain, 'core');
    // Everything but the bootstrap tools and the plain derivation, by attribute name (aliases such
    // as python3 included, stdenv and stdenvNoCC themselves too); the members of `xorg` apart.
    assert.equal(core.count, core.packages.length);
    for (const name of ['zlib', 'python3', 'python311', 'xclock', 'stdenv', 'stdenvNoCC']) assert.ok(core.packages.includes(name), name);
    for (const name of ['gcc', 'glibc', 'config-file']) assert.ok(!core.packages.includes(name), name);
    assert.deepEqual(core.members, ['xorg.libX11', 'xorg.libXext', 'xorg.libXt']);
    assert.equal(core.label, '10.rebuild-linux: 11-100');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the buckets of nixpkgs rebuild labels', () => {
  const at = [0, 1, 10, 11, 100, 101, 500, 501, 1000, 1001, 2500, 2501, 5000, 5001, 40000].map(rebuildBucket);
  assert.deepEqual(at, [
    '0',
    '1-10',
    '1-10',
    '11-100',
    '11-100',
    '101-500',
    '101-500',
    '501-1000',
    '501-1000',
    '1001-2500',
    '1001-2500',
    '2501-5000',
    '2501-5000',
    '5001+',
    '5001+',
  ]);
  assert.equal(rebuildLabel(0), '10.rebuild-linux: 0');
});

test('the CLI prints markdown for a pull request, with the wave steps the change touches', async () => {
  const root = await repo();
  try {
    await git(root, 'branch', 'WIP-Wave1.2', 'main');
    await edit('pkgs/by-name/xo/xorgproto/package.nix', 'version = "1.0"', 'version = "1.1"');
    await appendFile(path.join(root, 'pkgs/servers/x11/libX11/default.nix'), '# a comment\n');
    const out = await capture(() => impactCommand(['--base', 'main', '--format', 'markdown', root]));
    assert.equal(out.code, 0, out.stderr);
    const md = out.stdout;
    assert.match(md, /^### Rebuild impact against `main`/);
    // xclock and xorgproto by name; the members of the nested xorg set listed apart.
    assert.match(md, /\| core \| 2 \| `10\.rebuild-linux: 1-10` \|/);
    assert.match(md, /and 3 packages of nested sets \(not counted\)/);
    assert.match(md, /\*\*Changed packages \(2\):\*\* `xorg\.libX11` `xorgproto`/);
    // Derived steps: xorgproto (level 0) is updated by step 1; libX11 (level 1) is retested by step 1, updated by step 2.
    assert.match(md, /\| 1\.1 \| — \| not started \| `core:xorgproto` \| `core:xorg\.libX11` \|/);
    assert.match(md, /\| 1\.2 \| `WIP-Wave1\.2` \| in progress \| `core:xorg\.libX11` \| — \|/);
    assert.match(md, /<details><summary>core: 2 attributes rebuild<\/summary>\n\n`xclock` `xorgproto`/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the CLI refuses a missing --base and an unknown ref with a clear message', async () => {
  assert.equal((await capture(() => impactCommand(['--format', 'markdown']))).code, 2);
  const root = await repo();
  try {
    const out = await capture(() => impactCommand(['--base', 'no-such-branch', root]));
    assert.equal(out.code, 1);
    assert.match(out.stderr, /cannot compare with no-such-branch/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

async function capture(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const writes = { stdout: '', stderr: '' };
  const original = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((writes.stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((writes.stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await run(), ...writes };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
}
