// The store against a real HTTP server on loopback: first fetch, cache hit, ETag 304, offline
// after cache, a revision change in flake.lock, gzip, single files and byte ranges.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateStub } from '../../server/src/analysis/stubs/generate';
import { shardFor } from '../../server/src/analysis/stubs/format';
import { StubStore } from '../../server/src/analysis/stubs/store';
import { collectLog, indexed, serveFolder, universeWithStubs, type StubServer, type UniverseWithStubs } from './helpers';

const run = promisify(execFile);
let u: UniverseWithStubs;
let server: StubServer;
before(async () => {
  u = await universeWithStubs();
  // The served folder: stubs/ as `stub --out` wrote it, files/<rev>/… as a raw-file host would serve them.
  await fs.cp(u.universe.core, path.join(u.top, 'files', u.universe.revisions.core!), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}.git`),
  });
  server = await serveFolder(u.top);
});
after(async () => {
  await server.close();
  await u.remove();
});

/** A store as the rust domain sees core: stubs and files over HTTP, the revision from rust's flake.lock. */
function rustStore(cache: string, log = collectLog().log, url = server.url): StubStore {
  return new StubStore({
    workspaceRoot: u.universe.rust,
    cache,
    log,
    domains: { core: { stubs: `${url}stubs/`, files: `${url}files/{rev}/{path}` } },
  });
}

const requestsSince = (n: number) => server.requests.slice(n).map((r) => r.path);

test('nothing is fetched at construction; one lookup fetches the root and one shard', async () => {
  const n = server.requests.length;
  const { lines, log } = collectLog();
  const store = rustStore(path.join(u.top, 'cache-first'), log);
  assert.equal(server.requests.length, n);
  const openssl = await store.lookup('core', 'openssl');
  assert.equal(openssl?.file, 'pkgs/by-name/op/openssl/package.nix');
  const rev = u.universe.revisions.core!;
  assert.deepEqual(requestsSince(n), [`/stubs/core/${rev}/root.json`, `/stubs/core/${rev}/shards/0000.json`]);
  assert.match(lines[0]!, /^fetched core root \d+(\.\d)? (B|KB) from http:\/\/127\.0\.0\.1:\d+\/stubs\/core\//);
  assert.ok(store.bytesMoved() > 0 && store.bytesMoved() < 20_000);
  // An alias in another shard: `python3` → pythonInterpreters.python311.
  assert.equal((await store.lookup('core', 'python3'))?.attr, 'pythonInterpreters.python311');
  assert.equal(await store.lookup('core', 'no-such-package'), undefined);
});

test('a second store on the same cache makes no request; refresh revalidates with the ETag (304)', async () => {
  const cache = path.join(u.top, 'cache-second');
  await rustStore(cache).lookup('core', 'zlib');
  const n = server.requests.length;
  const store = rustStore(cache);
  assert.equal((await store.lookup('core', 'zlib'))?.version, '1.3.1');
  assert.equal(server.requests.length, n, 'cache hit: no request');
  const { lines, log } = collectLog();
  const refreshing = rustStore(cache, log);
  refreshing.refresh('core');
  assert.equal((await refreshing.lookup('core', 'zlib'))?.version, '1.3.1');
  const asked = server.requests.slice(n);
  assert.equal(asked.length, 1);
  assert.ok(asked[0]!.headers['if-none-match']);
  assert.ok(lines.some((l) => /unchanged \(304\)/.test(l)));
});

test('after the cache is filled, a store works with the server gone', async () => {
  const offline = await serveFolder(u.top);
  const cache = path.join(u.top, 'cache-offline');
  await rustStore(cache, undefined, offline.url).lookup('core', 'curl');
  await rustStore(cache, undefined, offline.url).fileContent('core', 'pkgs/by-name/cu/curl/package.nix');
  await offline.close();
  const store = rustStore(cache, undefined, offline.url);
  assert.equal((await store.lookup('core', 'curl'))?.attr, 'curl');
  assert.match(await store.fileContent('core', 'pkgs/by-name/cu/curl/package.nix'), /pname = "curl"/);
  await assert.rejects(
    store.rebuildClosure('core', ['zlib']),
    /refused core@\w+ reverse graph/,
    'a part never fetched cannot come from nowhere',
  );
});

test('a new revision in flake.lock fetches the stub of that revision', async () => {
  const core = u.universe.core;
  const git = (...args: string[]) => run('git', ['-C', core, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
  const file = path.join(core, 'pkgs/by-name/op/openssl/package.nix');
  await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('version = "3.0.13";', 'version = "3.0.14";'));
  await git('commit', '-qam', 'openssl: 3.0.13 -> 3.0.14');
  const newRev = (await git('rev-parse', 'HEAD')).stdout.trim();
  await generateStub(await indexed(core, 'core'), { out: path.join(u.top, 'stubs') });
  const cache = path.join(u.top, 'cache-revision');
  const store = rustStore(cache);
  assert.equal((await store.lookup('core', 'openssl'))?.version, '3.0.13');
  const lockFile = path.join(u.universe.rust, 'flake.lock');
  const lock = await fs.readFile(lockFile, 'utf8');
  try {
    await fs.writeFile(lockFile, lock.replace(u.universe.revisions.core!, newRev));
    const n = server.requests.length;
    assert.equal((await store.lookup('core', 'openssl'))?.version, '3.0.14');
    assert.equal(requestsSince(n).length, 2);
    assert.equal(requestsSince(n)[0], `/stubs/core/${newRev}/root.json`);
  } finally {
    await fs.writeFile(lockFile, lock);
  }
});

test('gzip bodies are decoded; fewer bytes move than the files hold', async () => {
  server.gzip = true;
  try {
    const store = rustStore(path.join(u.top, 'cache-gzip'));
    assert.equal((await store.lookup('core', 'llvm'))?.attr, 'llvm');
    const root = await store.root('core');
    const shard = shardFor(root.shards, 'llvm')!;
    const plain = shard.size + (await fs.stat(path.join(u.stubs, 'core', root.revision, 'root.json'))).size;
    assert.ok(store.bytesMoved() < plain, `${store.bytesMoved()} bytes moved for ${plain} bytes of stub`);
  } finally {
    server.gzip = false;
  }
});

test('single files and one maintainer entry come over HTTP; paths outside the domain are refused', async () => {
  const { lines, log } = collectLog();
  const store = rustStore(path.join(u.top, 'cache-files'), log);
  assert.match(await store.fileContent('core', 'pkgs/by-name/op/openssl/package.nix'), /openssl/);
  const [list] = await store.maintainers('core');
  const alice = list!.index.get('alice')!;
  const n = server.requests.length;
  const entry = (await store.fileRange('core', list!.file, alice.start, alice.end)).toString('utf8');
  assert.match(entry, /^alice = \{[\s\S]*\};$/);
  assert.match(String(server.requests[n]!.headers.range), /^bytes=\d+-\d+$/);
  for (const bad of ['../rust/flake.nix', '/etc/passwd', 'pkgs/../../x']) {
    await assert.rejects(store.fileContent('core', bad), /refused core file .* (leaves the domain|is absolute)/);
  }
  assert.ok(lines.some((l) => /refused core file "\/etc\/passwd": it is absolute/.test(l)));
});

test('search finds packages and lib functions of every configured domain', async () => {
  const store = rustStore(path.join(u.top, 'cache-search'));
  const found = await store.search('ssl');
  assert.ok(found.some((s) => s.domain === 'core' && s.name === 'openssl' && s.kind === 'package'));
  assert.ok((await store.search('concatMap')).some((s) => s.kind === 'function'));
});

test('a local checkout at the pinned revision is used in memory, with no fetch', async () => {
  const n = server.requests.length;
  const { lines, log } = collectLog();
  const store = new StubStore({
    workspaceRoot: u.universe.rust,
    cache: path.join(u.top, 'cache-checkout'),
    log,
    domains: { core: { path: '../core' } },
  });
  assert.equal((await store.lookup('core', 'openssl'))?.attr, 'openssl');
  assert.deepEqual(await store.packagesTaking('core', 'openssl'), ['curl', 'pythonInterpreters.python311', 'pythonInterpreters.python312']);
  assert.match(await store.fileContent('core', 'pkgs/by-name/op/openssl/package.nix'), /openssl/);
  assert.equal(server.requests.length, n);
  assert.ok(lines.some((l) => /generated in memory/.test(l)));
});
