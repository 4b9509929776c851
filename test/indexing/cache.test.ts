import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pack } from 'msgpackr';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { cacheFileFor, IndexCache, PACK_BUFFER_BYTES, writeIndexCache, type CacheEntry } from '../../server/src/analysis/indexing/cache';
import { indexDomain, prestartIndexWorkers } from '../../server/src/analysis/indexing/indexDomain';
import { forgetPrelisted, prelistDomain, prelistedCount } from '../../server/src/analysis/indexing/prelist';
import { DomainIndex } from '../../server/src/analysis/domainIndex';
import { NixParser } from '../../server/src/analysis/parser';
import { defaultPoolSize, IndexPool } from '../../server/src/analysis/indexing/pool';
import { listDomainFiles, listDomainFilesInTwo } from '../../server/src/analysis/indexing/listing';
import type { FileFacts } from '../../server/src/analysis/facts';

const FILES = 12;
const THRESHOLD = 256 * 1024;

/** A small domain: a package set calling package files; committed to git unless `git` is false. */
function domain(git = true): { root: string; cacheDir: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nd-cache-'));
  const root = path.join(base, 'core');
  mkdirSync(path.join(root, 'pkgs'), { recursive: true });
  const calls: string[] = [];
  for (let i = 0; i < FILES - 1; i++) {
    writeFileSync(path.join(root, 'pkgs', `p${i}.nix`), `{ stdenv }:\nstdenv.mkDerivation { pname = "p${i}"; version = "1.${i}"; }\n`);
    calls.push(`  p${i} = callPackage ./pkgs/p${i}.nix { };`);
  }
  writeFileSync(path.join(root, 'default.nix'), `self: with self; {\n${calls.join('\n')}\n}\n`);
  if (git) {
    const run = (...args: string[]) =>
      execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { stdio: 'ignore' });
    run('init', '-q');
    run('add', '.');
    run('commit', '-qm', 'domain');
  }
  return { root, cacheDir: path.join(base, 'cache') };
}

/** Indexes the domain with a fresh analyzer (a restart); returns it with what was logged. */
async function start(d: { root: string; cacheDir: string }) {
  const logged: string[] = [];
  const analyzer = await Analyzer.create(d.root, 'core', { cacheDir: d.cacheDir, indexWorkers: 0, log: (m) => logged.push(m) });
  await analyzer.indexAll();
  await analyzer.lastIndex!.cacheSaved;
  return { analyzer, stats: analyzer.lastIndex!, logged };
}

const cacheFile = (d: { root: string; cacheDir: string }) => cacheFileFor(d.cacheDir, d.root);

/** 'written' when the cache's write ends within 300 ms (long enough for a dozen files' cache many times over), else 'waiting'. */
const writtenSoon = (saved: Promise<void>) =>
  Promise.race([saved.then(() => 'written'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
const facts = (a: Analyzer) => [...a.index.files.entries()].sort(([x], [y]) => (x < y ? -1 : 1));

for (const git of [true, false]) {
  test(`a restart reads every file from the cache and parses nothing (${git ? 'git blob ids' : 'content hashes'})`, async () => {
    const d = domain(git);
    const first = await start(d);
    assert.deepEqual([first.stats.parsed, first.stats.fromCache], [FILES, 0]);
    const second = await start(d);
    assert.deepEqual([second.stats.parsed, second.stats.fromCache], [0, FILES]);
    assert.deepEqual(facts(second.analyzer), facts(first.analyzer));
    assert.equal(second.analyzer.catalog.all().length, first.analyzer.catalog.all().length);
    assert.deepEqual(second.logged, []);
  });

  test(`editing one file re-parses only that file (${git ? 'git' : 'no git'})`, async () => {
    const d = domain(git);
    await start(d);
    writeFileSync(path.join(d.root, 'pkgs', 'p3.nix'), '{ stdenv }:\nstdenv.mkDerivation { pname = "p3"; version = "9.9"; }\n');
    const edited = await start(d);
    assert.deepEqual([edited.stats.parsed, edited.stats.fromCache], [1, FILES - 1]);
    assert.equal(edited.analyzer.index.files.get('pkgs/p3.nix')?.drv?.version, '9.9');
    // The cache now knows the edit: the next start parses nothing.
    assert.equal((await start(d)).stats.parsed, 0);
  });

  test(`editing a file read first uses its new content, not its cached facts decoded ahead of the listing (${git ? 'git' : 'no git'})`, async () => {
    const d = domain(git);
    await start(d);
    // The domain's default.nix is an entry file: among the files read first.
    const file = path.join(d.root, 'default.nix');
    writeFileSync(file, readFileSync(file, 'utf8').replace('p0 = callPackage', 'renamed = callPackage'));
    const edited = await start(d);
    assert.deepEqual([edited.stats.parsed, edited.stats.fromCache], [1, FILES - 1]);
    const names = edited.analyzer.catalog.all().map((p) => p.attrPath);
    assert.ok(names.includes('renamed') && !names.includes('p0'), names.join());
  });
}

test('a run takes the listing started ahead of it, once; one no run takes, or one a change on disk makes stale, is let go', async () => {
  const d = domain();
  // Both parts of it: the tracked files, and the untracked ones git lists after them.
  await (await prelistDomain(d.root, true)).untracked();
  assert.equal(prelistedCount(), 1);
  // Added after the listing: the run that takes it does not see the file; the next run lists again.
  writeFileSync(path.join(d.root, 'pkgs', 'late.nix'), '{ }: { }\n');
  const first = await start(d);
  assert.equal(prelistedCount(), 0);
  assert.equal(first.stats.files, FILES);
  assert.equal((await start(d)).stats.files, FILES + 1);
  await prelistDomain(d.root, true, 50);
  assert.equal(prelistedCount(), 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(prelistedCount(), 0);
  await prelistDomain(d.root, true);
  forgetPrelisted();
  assert.equal(prelistedCount(), 0);
  writeFileSync(path.join(d.root, 'pkgs', 'later.nix'), '{ }: { }\n');
  assert.equal((await start(d)).stats.files, FILES + 2);
});

test('git lists a domain into a temporary file that is gone once read; a failing git is reported', async () => {
  const d = domain();
  writeFileSync(path.join(d.root, 'pkgs', 'untracked.nix'), '{ }: { }\n');
  const ours = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith(`nix-domains-git-${process.pid}-`));
  const listing = await listDomainFiles(d.root);
  assert.equal(listing.files.length, FILES + 1);
  assert.equal(listing.blobByFile.size, FILES + 1);
  assert.deepEqual(ours(), []);
  // Not a repository: git fails, the files are listed without it, and nothing is left behind.
  const plain = domain(false);
  assert.equal((await listDomainFiles(plain.root)).files.length, FILES);
  assert.deepEqual(ours(), []);
});

test('git walks the worktree for untracked files only once the files read first are in, and then sees what was added meanwhile', async () => {
  const d = domain();
  // Long enough for a walk started with the listing to have finished (it takes milliseconds here).
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const split = await listDomainFilesInTwo(d.root);
  await settle();
  // Not walked yet: a file added now is found by the walk asked for after it.
  writeFileSync(path.join(d.root, 'pkgs', 'before-walk.nix'), '{ }: { }\n');
  assert.deepEqual((await split.untracked()).files, ['pkgs/before-walk.nix']);
  // The server's way: the listing started as it initializes, the run later. The run starts the walk
  // once it is ready (a start's first answers do not share a core with it), so a file added before
  // that is in the index it completes.
  await prelistDomain(d.root, true);
  await settle();
  writeFileSync(path.join(d.root, 'pkgs', 'before-run.nix'), '{ }: { }\n');
  const run = await start(d);
  assert.equal(run.stats.files, FILES + 2);
  assert.ok(run.analyzer.index.files.has('pkgs/before-run.nix'));
  // A file git stops tracking between the two listings is in both: the run keeps it once.
  await prelistDomain(d.root, true);
  await settle();
  execFileSync('git', ['-C', d.root, 'rm', '-q', '--cached', 'pkgs/p1.nix']);
  const again = await start(d);
  assert.equal(again.stats.files, FILES + 2);
  assert.ok(again.analyzer.index.files.has('pkgs/p1.nix'));
});

test('a start without an index cache starts the workers ahead and says so (the server then holds the heap to its growth); one with a cache does not', async () => {
  const d = domain();
  try {
    assert.equal(prestartIndexWorkers([d.root], d.cacheDir), true);
    assert.equal(IndexPool.prestartedCount, defaultPoolSize());
    IndexPool.dropPrestarted();
    await start(d);
    assert.equal(prestartIndexWorkers([d.root], d.cacheDir), false);
    assert.equal(IndexPool.prestartedCount, 0);
    // Without a cache folder nothing is cached: every start is a cold one.
    assert.equal(prestartIndexWorkers([d.root], null), true);
  } finally {
    IndexPool.dropPrestarted();
  }
});

test('a new, untracked file is parsed once and cached', async () => {
  const d = domain();
  await start(d);
  writeFileSync(path.join(d.root, 'pkgs', 'extra.nix'), '{ }: { }\n');
  assert.deepEqual([(await start(d)).stats.parsed, (await start(d)).stats.parsed], [1, 0]);
});

/** The header line, the table and the body of a cache file (the layout of cache.ts). */
function partsOf(bytes: Buffer): { header: Record<string, unknown>; table: Buffer; body: Buffer } {
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.toString('utf8', 0, newline)) as Record<string, unknown>;
  const rest = bytes.subarray(newline + 1);
  return { header, table: rest.subarray(0, header.tableBytes as number), body: rest.subarray(header.tableBytes as number) };
}

/** A cache file with this header, table and body, its checksum made to match: damage that only the checks of the content catch. */
function forge(header: Record<string, unknown>, table: Buffer, body: Buffer): Buffer {
  const sha1 = createHash('sha1').update(table).update(body).digest('hex');
  return Buffer.concat([
    Buffer.from(`${JSON.stringify({ ...header, tableBytes: table.length, bodyBytes: body.length, sha1 })}\n`),
    table,
    body,
  ]);
}

const damage: [string, (bytes: Buffer) => Buffer][] = [
  [
    'corrupt',
    (bytes) => {
      const copy = Buffer.from(bytes);
      copy[copy.length - 20] ^= 0xff;
      return copy;
    },
  ],
  ['truncated', (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2))],
  ['cut short by a byte', (bytes) => bytes.subarray(0, bytes.length - 1)],
  [
    'of another extractor version',
    (bytes) => {
      const { header, table, body } = partsOf(bytes);
      return forge({ ...header, factsVersion: -1 }, table, body);
    },
  ],
  [
    'of another format',
    (bytes) => {
      const { header, table, body } = partsOf(bytes);
      return forge({ ...header, format: -1 }, table, body);
    },
  ],
  ['empty', () => Buffer.alloc(0)],
  [
    'a table of strangers',
    (bytes) => {
      const { header, body } = partsOf(bytes);
      const table = pack({ structures: [], paths: Array(FILES).fill('x'), blobs: Array(FILES).fill(null), ranges: [], shared: [] });
      return forge(header, Buffer.from(table), body);
    },
  ],
  [
    'a body of strangers',
    (bytes) => {
      // The table is intact, its ranges point at values that are no facts.
      const { header, table, body } = partsOf(bytes);
      return forge(header, table, Buffer.alloc(body.length, 0xc0));
    },
  ],
];
for (const [what, spoil] of damage) {
  test(`a cache that is ${what} is ignored, logged and rebuilt`, async () => {
    const d = domain();
    const first = await start(d);
    writeFileSync(cacheFile(d), spoil(readFileSync(cacheFile(d))));
    const spoiled = await start(d);
    assert.deepEqual([spoiled.stats.parsed, spoiled.stats.fromCache], [FILES, 0]);
    if (what === 'a body of strangers')
      assert.match(spoiled.logged.join('\n'), /ignored from here on, rebuilding: the cached facts of \S+ (are malformed|do not decode)/);
    else assert.match(spoiled.logged.join('\n'), /ignored, rebuilding/, 'the cause is logged');
    assert.deepEqual(facts(spoiled.analyzer), facts(first.analyzer));
    assert.equal((await start(d)).stats.parsed, 0, 'rebuilt');
  });
}

test('a leftover temporary file is harmless and writes leave none', async () => {
  const d = domain();
  await start(d);
  writeFileSync(`${cacheFile(d)}.999.crashed.tmp`, '{"format":2');
  const again = await start(d);
  assert.deepEqual([again.stats.parsed, again.logged], [0, []]);
  writeFileSync(path.join(d.root, 'pkgs', 'p0.nix'), '{ }: { }\n');
  await start(d); // rewrites the cache
  const left = readdirSync(d.cacheDir).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(left, [path.basename(`${cacheFile(d)}.999.crashed.tmp`)], 'only the crashed one');
});

test('the cache lives outside the workspace, one file per domain root', async () => {
  const a = domain();
  const b = { ...domain(), cacheDir: a.cacheDir };
  await start(a);
  await start(b);
  assert.equal(readdirSync(a.cacheDir).length, 2);
  assert.ok(!execFileSync('git', ['-C', a.root, 'status', '--porcelain']).toString().trim(), 'nothing written into the domain');
});

test('the JSON cache of the earlier format is removed when the new one is written', async () => {
  const d = domain();
  const old = cacheFile(d).replace(/\.idx$/, '.json');
  mkdirSync(d.cacheDir, { recursive: true });
  writeFileSync(old, '{"format":1}\n[]');
  const first = await start(d);
  assert.equal(first.stats.parsed, FILES);
  assert.ok(!existsSync(old), 'the old cache is gone');
  assert.ok(existsSync(cacheFile(d)));
});

test('writing a cache leaves msgpackr a small buffer to pack into, not one sized for the whole table', async () => {
  const d = domain();
  // Long paths make the table larger than the buffer is left at, so a buffer kept from it would show.
  const deep = path.join(d.root, 'pkgs', 'x'.repeat(200), 'y'.repeat(200));
  mkdirSync(deep, { recursive: true });
  for (let i = 0; i < 200; i++) writeFileSync(path.join(deep, `${'z'.repeat(100)}${i}.nix`), `{ }: ${i}\n`);
  await start(d);
  assert.ok(readdirSync(d.cacheDir).length > 0, 'a cache was written');
  // pack() answers with a view of the buffer it packed into.
  assert.equal(pack(1).buffer.byteLength, PACK_BUFFER_BYTES);
});

test('a cache whose files needed more record structures than are shared is rewritten from after reading them', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nd-cache-structures-'));
  const file = path.join(dir, 'core.idx');
  const root = path.join(dir, 'core');
  const blob = (i: number) => createHash('sha1').update(String(i)).digest('hex');
  // Facts of 40 shapes: msgpackr shares 32 record structures; each later one is written into its file's bytes.
  const factsOf = (i: number, at = i) =>
    ({ path: `f${at}.nix`, errors: [], value: { k: 'other', span: [0, 0, 0, 0] }, [`only${i}`]: i }) as unknown as FileFacts;
  const entries: CacheEntry[] = Array.from({ length: 40 }, (_, i) => ({
    path: `f${i}.nix`,
    blob: blob(i),
    facts: factsOf(i),
    structure: i,
  }));
  await writeIndexCache(file, root, THRESHOLD, entries);
  const first = await IndexCache.open(file, root, THRESHOLD, assert.fail);
  assert.ok(first);
  // Reading the files whose structures are their own, as a start does.
  for (let i = 0; i < 40; i++) assert.deepEqual(first.read(`f${i}.nix`).facts, factsOf(i));
  // A start that parsed one file again writes the cache anew, keeping the others' bytes.
  const next: CacheEntry[] = entries.map((e, i) =>
    i === 39 ? { ...e, blob: blob(99), facts: factsOf(99, 39) } : { path: e.path, blob: e.blob, from: first },
  );
  await writeIndexCache(file, root, THRESHOLD, next, first);
  const second = await IndexCache.open(file, root, THRESHOLD, assert.fail);
  assert.ok(second);
  for (let i = 0; i < 39; i++) assert.deepEqual(second.read(`f${i}.nix`).facts, factsOf(i));
  assert.deepEqual(second.read('f39.nix').facts, factsOf(99, 39));
});

test('the cache is written once the caller has completed the index, not before', async () => {
  const d = domain();
  let complete!: () => void;
  const completed = new Promise<void>((resolve) => (complete = resolve));
  const stats = await indexDomain({
    root: d.root,
    parser: await NixParser.create(),
    largeFileThreshold: THRESHOLD,
    workers: 0,
    cacheDir: d.cacheDir,
    index: new DomainIndex(d.root, 'core'),
    skip: () => false,
    log: () => undefined,
    completed,
  });
  assert.equal(stats.parsed, FILES);
  assert.equal(await writtenSoon(stats.cacheSaved), 'waiting', 'the cache was written before the index was complete');
  assert.ok(!existsSync(cacheFile(d)));
  complete();
  await stats.cacheSaved;
  assert.ok(existsSync(cacheFile(d)), 'the cache is written once the index is complete');
});

test("an analyzer's index cache waits for what the caller says it does first with the complete index", async () => {
  const d = domain();
  const analyzer = await Analyzer.create(d.root, 'core', { cacheDir: d.cacheDir, indexWorkers: 0, log: () => undefined });
  let release!: () => void;
  await analyzer.indexAll(undefined, new Promise<void>((resolve) => (release = resolve)));
  assert.ok(analyzer.isIndexed);
  assert.equal(await writtenSoon(analyzer.lastIndex!.cacheSaved), 'waiting', 'the cache was written before the caller was done');
  assert.ok(!existsSync(cacheFile(d)));
  release();
  await analyzer.lastIndex!.cacheSaved;
  assert.ok(existsSync(cacheFile(d)), 'the cache is written once the caller is done');
});
