// A git remote holding the stubs on a ref (partial fetch, never a full clone), one that fails,
// files as single blobs; and the byte budget of one lookup in a 20,000-package domain.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeStub, type PackageData } from '../../server/src/analysis/stubs/encode';
import { StubStore } from '../../server/src/analysis/stubs/store';
import { collectLog, serveFolder, tempDir, universeWithStubs, type UniverseWithStubs } from './helpers';

const run = promisify(execFile);
const git = (cwd: string, ...args: string[]) =>
  run('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]).then((r) => r.stdout.trim());

let u: UniverseWithStubs;
let remote: string;
before(async () => {
  u = await universeWithStubs();
  // Publish the stub folder as the tree of a commit on refs/nix-domains/stubs of a bare remote.
  await git(u.stubs, 'init', '-q');
  await git(u.stubs, 'add', '.');
  await git(u.stubs, 'commit', '-qm', 'stubs');
  remote = path.join(u.top, 'remote.git');
  await run('git', ['init', '-q', '--bare', remote]);
  await git(remote, 'config', 'uploadpack.allowFilter', 'true');
  await git(remote, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  await git(u.stubs, 'push', '-q', remote, 'HEAD:refs/nix-domains/stubs');
  // core's own history, so files can be fetched as blobs of the pinned commit.
  await git(u.universe.core, 'push', '-q', remote, 'HEAD:refs/heads/core-main');
});
after(() => u.remove());

test('stubs from a git ref: a shallow blob-less fetch, then only the blobs a lookup needs', async () => {
  const cache = path.join(u.top, 'cache-git');
  const { lines, log } = collectLog();
  const store = new StubStore({
    workspaceRoot: u.universe.rust,
    cache,
    log,
    domains: { core: { stubs: `git+file://${remote}#refs/nix-domains/stubs`, files: `git+file://${remote}` } },
  });
  assert.equal((await store.lookup('core', 'openssl'))?.version, '3.0.13');
  assert.ok(lines.some((l) => /^fetched core root .* from file:\/\/.*#refs\/nix-domains\/stubs/.test(l)));
  const [privateRepo] = await fs.readdir(path.join(cache, 'git'));
  const repo = path.join(cache, 'git', privateRepo!);
  const objects = (await git(repo, 'rev-list', '--objects', '--missing=print', 'refs/nix-domains/fetched')).split('\n');
  const missing = new Set(objects.filter((l) => l.startsWith('?')).map((l) => l.slice(1)));
  const present = objects.filter((l) => / (core|rust)\/.*\.json$/.test(l)).map((l) => l.split(' ')[1]);
  // rev-list names only present blobs: the root and the one shard read, no other file of the tree.
  const rev = u.universe.revisions.core!;
  const read = [`core/${rev}/root.json`, `core/${rev}/shards/0000.json`];
  assert.deepEqual(present, read);
  // Every other blob of the published tree (the reverse graph, the maintainer indexes, rust's
  // stub, index.json) was never fetched: exactly those are missing.
  const tree = (await git(u.stubs, 'ls-tree', '-r', 'HEAD')).split('\n').map((l) => /^\d+ blob (\w+)\t(.*)$/.exec(l)!);
  const readBlobs = new Set(tree.filter((m) => read.includes(m[2]!)).map((m) => m[1]!));
  const others = new Set(tree.filter((m) => !readBlobs.has(m[1]!)).map((m) => m[1]!));
  assert.ok(others.size >= 5, `the tree has ${others.size} other blobs`);
  assert.deepEqual([...missing].sort(), [...others].sort());
  assert.equal(await git(repo, 'rev-parse', '--is-shallow-repository'), 'true');
  // A single file of core at the pinned revision, as one blob of that commit.
  assert.match(await store.fileContent('core', 'pkgs/by-name/op/openssl/package.nix'), /pname = "openssl"/);
});

test("a git remote that fails is refused with git's reason, and the store keeps answering", async () => {
  const { lines, log } = collectLog();
  const store = new StubStore({
    workspaceRoot: u.universe.rust,
    cache: path.join(u.top, 'cache-git-bad'),
    log,
    domains: { core: { stubs: `git+file://${path.join(u.top, 'nowhere.git')}` }, rust: { path: '.' } },
  });
  await assert.rejects(
    store.lookup('core', 'openssl'),
    /refused core stub from file:\/\/.*nowhere\.git#refs\/nix-domains\/stubs: git fetch .* failed/,
  );
  assert.ok(lines.some((l) => /git fetch .* failed/.test(l)));
  assert.equal((await store.lookup('rust', 'fd'))?.attr, 'fd');
  await assert.rejects(
    new StubStore({
      workspaceRoot: u.top,
      domains: { core: { stubs: 'git+ext::sh -c touch% /tmp/pwned' } },
      cache: path.join(u.top, 'c'),
    }).lookup('core', 'x'),
    /only https, http, ssh and file URLs are fetched/,
  );
});

/**
 * A synthetic domain shaped like a large one: 20,000 packages with long `python3Packages.*`
 * runs; the first 2,000 are libraries taking a few earlier libraries, the rest applications
 * taking a few libraries (so low libraries have closures of thousands, as in nixpkgs).
 */
function syntheticDomain(count: number): PackageData[] {
  const stems = ['lib', 'python3Packages.', 'perlPackages.', 'haskellPackages.', 'x', 'go', 'rust-', 'node-', 'gnome.', 'kde.'];
  const names = Array.from({ length: count }, (_, i) => `${stems[i % stems.length]}pkg${i}`);
  const libraries = Math.floor(count / 10);
  return names.map((attr, i) => {
    const deps =
      i < libraries ? [1, 2, 7].map((k) => i - k).filter((d) => d >= 0) : [i % libraries, (i * 31) % libraries, (i * 97) % libraries];
    return {
      attr,
      file: `pkgs/by-name/${attr.slice(0, 2)}/${attr}/package.nix`,
      pos: [10, 2] as [number, number],
      version: `${i % 9}.${i % 13}.0`,
      description: `Synthetic package number ${i}, with a description of typical length for nixpkgs`,
      homepage: `https://example.org/${attr}`,
      license: 'mit',
      maintainers: [`m${i % 500}`, `m${(i * 3) % 500}`],
      inputs: [
        { name: 'stdenv' },
        { name: 'fetchurl' },
        { name: 'lib' },
        { name: `dep${i % 40}` },
        ...deps.map((d) => ({ name: names[d]!, ref: `big:${names[d]}` })),
      ],
    };
  });
}

test('one lookup in a 20,000-package domain moves at most 256 KB (root + one shard)', async (t) => {
  const { dir, remove } = await tempDir();
  try {
    const built = encodeStub({ domain: 'big', revision: 'a'.repeat(40), packages: syntheticDomain(20_000), lib: [], maintainers: [] });
    const folder = path.join(dir, 'stubs', 'big', 'a'.repeat(40));
    for (const [file, bytes] of built.files) {
      await fs.mkdir(path.dirname(path.join(folder, file)), { recursive: true });
      await fs.writeFile(path.join(folder, file), bytes);
    }
    const server = await serveFolder(path.join(dir, 'stubs'));
    try {
      const sizes = built.root.shards.map((s) => s.size);
      const rootSize = built.files.get('root.json')!.byteLength;
      for (const name of ['python3Packages.pkg1', 'libpkg0', 'xpkg4', 'gnome.pkg19998']) {
        const store = new StubStore({
          workspaceRoot: dir,
          cache: path.join(dir, `cache-${name}`),
          domains: { big: { stubs: server.url, rev: 'a'.repeat(40) } },
        });
        const pkg = await store.lookup('big', name);
        assert.equal(pkg?.attr, name);
        assert.equal(store.fetches.length, 2);
        assert.ok(store.bytesMoved() <= 256 * 1024, `${name}: ${store.bytesMoved()} bytes`);
        t.diagnostic(`lookup ${name}: ${store.bytesMoved()} bytes in ${store.fetches.length} fetches`);
        if (name === 'libpkg0') {
          // A list longer than a shard keeps comes from the reverse graph, fetched once.
          assert.equal((await store.packagesTaking('big', 'stdenv')).length, 20_000);
        }
      }
      t.diagnostic(`20,000 packages: root ${rootSize} B, ${sizes.length} shards, largest ${Math.max(...sizes)} B`);
    } finally {
      await server.close();
    }
  } finally {
    await remove();
  }
});
