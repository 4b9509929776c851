import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateUniverse } from '../../scripts/bench-gen';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { gitBlobId } from '../../server/src/analysis/blobId';
import { DomainIndex } from '../../server/src/analysis/domainIndex';
import type { FileFacts } from '../../server/src/analysis/facts';
import { factsFromDisk, factsFromDiskSync } from '../../server/src/analysis/indexing/fileFacts';
import { listDomainFiles } from '../../server/src/analysis/indexing/listing';
import { indexDomain } from '../../server/src/analysis/indexing/indexDomain';
import { IndexPool } from '../../server/src/analysis/indexing/pool';
import { NixParser } from '../../server/src/analysis/parser';
import { listNixFiles } from '../../server/src/analysis/workspace';
import { FIXTURE } from '../helpers';

const THRESHOLD = 256 * 1024;

/** The facts of every file of a domain as the index holds them, in file order. */
function factsOf(analyzer: Analyzer): [string, FileFacts][] {
  return [...analyzer.index.files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every name's bindings (file and attribute path), names sorted. */
function bindingsOf(analyzer: Analyzer): [string, string[]][] {
  return [...analyzer.index.bindingsByName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => [name, list.map((b) => `${b.file}#${b.pathInFile.join('.')}`).sort()]);
}

async function indexed(root: string, indexWorkers: number, largeFileThreshold = THRESHOLD): Promise<Analyzer> {
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers, cacheDir: null, largeFileThreshold });
  await analyzer.indexAll();
  return analyzer;
}

test('the pool extracts the same facts as the in-process path on the fixture domain', async () => {
  const { files } = await listDomainFiles(FIXTURE);
  const parser = await NixParser.create();
  const pool = IndexPool.start(2);
  assert.ok(pool, 'workers start from source under tsx');
  const fromPool: (FileFacts | undefined)[] = new Array(files.length);
  const failed = await pool.run(
    files.map((f) => [f, path.join(FIXTURE, f)]),
    THRESHOLD,
    (first, results) => {
      results.forEach((r, k) => {
        fromPool[first + k] = r.facts;
      });
    },
  );
  await pool.close();
  assert.deepEqual(failed, []);
  for (let i = 0; i < files.length; i++) {
    const inProcess = await factsFromDisk(files[i]!, path.join(FIXTURE, files[i]!), parser, THRESHOLD);
    assert.deepEqual(fromPool[i], inProcess.facts, files[i]);
  }
});

test("runs on one pool may overlap: each gets every one of its files, the later one's after the earlier one's are taken; a closed pool hands back what is left", async () => {
  const { files } = await listDomainFiles(FIXTURE);
  const pool = IndexPool.start(2);
  assert.ok(pool, 'workers start from source under tsx');
  const jobs = files.map((f): [string, string] => [f, path.join(FIXTURE, f)]);
  const seen = [new Set<string>(), new Set<string>()];
  const results = [0, 0];
  const order: number[] = [];
  const runOf = (which: number, list: [string, string][], alone: number) =>
    pool.run(
      list,
      THRESHOLD,
      (first, rs) => {
        order.push(which);
        results[which]! += rs.length;
        rs.forEach((r, k) => {
          if (r.facts) seen[which]!.add(list[first + k]![0]);
        });
      },
      alone,
    );
  // Started together, as an early read and the rest of a cold index are.
  const [a, b] = await Promise.all([runOf(0, jobs, jobs.length), runOf(1, [...jobs].reverse(), 1)]);
  assert.deepEqual([a, b], [[], []], 'no batch handed back');
  assert.equal(seen[0]!.size, files.length, 'the first run got every file');
  assert.equal(seen[1]!.size, files.length, 'the second run got every file');
  assert.deepEqual(results, [files.length, files.length], 'and each file once');
  assert.equal(order.indexOf(1) >= order.lastIndexOf(0) - 2 * 2, true, "the second run's batches came after the first's were taken");
  // Closed while a run waits: its batches are handed back, it does not hang.
  const pending = runOf(0, jobs, jobs.length);
  await pool.close();
  const left = await Promise.race([
    pending,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('a run on a closed pool did not end within 10 s')), 10_000).unref(),
    ),
  ]);
  assert.ok(left.length > 0, 'what no worker answered is handed back');
});

test('a pool takes the workers started ahead of it, and those it does not take are stopped', async () => {
  const { files } = await listDomainFiles(FIXTURE);
  IndexPool.prestart(2);
  assert.equal(IndexPool.prestartedCount, 2, 'two workers wait');
  const pool = IndexPool.start(3);
  assert.ok(pool);
  assert.equal(pool.size, 3, 'the two prestarted and one new');
  assert.equal(IndexPool.prestartedCount, 0, 'the pool took both');
  const facts = new Map<string, FileFacts | undefined>();
  const failed = await pool.run(
    files.map((f) => [f, path.join(FIXTURE, f)]),
    THRESHOLD,
    (first, results) => {
      for (const [k, r] of results.entries()) facts.set(files[first + k]!, r.facts);
    },
  );
  // A second run on the same workers; then, with none left, every file is handed back at once.
  const again = await pool.run(
    files.slice(0, 3).map((f) => [f, path.join(FIXTURE, f)]),
    THRESHOLD,
    () => undefined,
  );
  await pool.close();
  const none = await Promise.race([
    pool.run(
      files.slice(0, 3).map((f) => [f, path.join(FIXTURE, f)]),
      THRESHOLD,
      () => undefined,
    ),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a run without workers did not end within 10 s')), 10_000).unref()),
  ]);
  assert.deepEqual([again, none], [[], [0, 1, 2]]);
  assert.deepEqual(failed, [], 'every batch answered, also by the workers that loaded the grammar ahead');
  const parser = await NixParser.create();
  for (const file of files)
    assert.deepEqual(facts.get(file), (await factsFromDisk(file, path.join(FIXTURE, file), parser, THRESHOLD)).facts, file);

  IndexPool.prestart(2);
  assert.equal(IndexPool.prestartedCount, 2);
  IndexPool.dropPrestarted();
  assert.equal(IndexPool.prestartedCount, 0, 'no worker is left waiting');
});

test('indexing with workers gives the same index as in process on a generated domain', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'nd-pool-'));
  await generateUniverse({ out, scale: 'small' });
  const root = path.join(out, 'core');
  const inProcess = await indexed(root, 0);
  const withWorkers = await indexed(root, 2);
  assert.equal(inProcess.lastIndex?.workers, 0);
  assert.equal(withWorkers.lastIndex?.workers, 2, 'the pool was used');
  assert.ok(inProcess.index.files.size > 1000);
  assert.deepEqual(factsOf(withWorkers), factsOf(inProcess));
  // The files are read in another order (the first batches of the pool, one file each), and the bindings are the same.
  assert.deepEqual(bindingsOf(withWorkers), bindingsOf(inProcess));
  // The same packages, named alike and in the same order.
  const packages = (a: Analyzer) => a.catalog.all().map((p) => [p.attrPath, p.target.file, ...(p.aliases ?? [])].join(' '));
  assert.deepEqual(packages(withWorkers), packages(inProcess));
  // And both are what indexing file by file from the plain listing gives.
  const oneByOne = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  const listed = await listNixFiles(root);
  assert.deepEqual((await listDomainFiles(root)).files, listed);
  for (const file of listed) await oneByOne.indexFileFromDisk(file);
  assert.deepEqual(factsOf(inProcess), factsOf(oneByOne));

  // With a threshold the top-level files pass, each is read by both workers at once, a part each.
  const small = 16 * 1024;
  const splitInProcess = await indexed(root, 0, small);
  const split = await indexed(root, 2, small);
  assert.equal(splitInProcess.lastIndex?.inParts, 0);
  assert.ok((split.lastIndex?.inParts ?? 0) >= 1, 'a large file among the first was read in parts');
  assert.deepEqual(factsOf(split), factsOf(splitInProcess));
});

test('no workers when the pool size is 0', () => {
  assert.equal(IndexPool.start(0), undefined);
});

test('a file read for its facts: a FIFO, a folder and a missing file have none (read without waiting); a regular file over the threshold is cut', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nd-read-'));
  execFileSync('mkfifo', [path.join(dir, 'pipe.nix')]);
  mkdirSync(path.join(dir, 'folder.nix'));
  writeFileSync(path.join(dir, 'big.nix'), `{\n${Array.from({ length: 200 }, (_, i) => `  a${i} = ${i};`).join('\n')}\n}\n`);
  writeFileSync(path.join(dir, 'small.nix'), '{ a = 1; }\n');
  const parser = await NixParser.create();
  for (const name of ['pipe.nix', 'folder.nix', 'gone.nix']) {
    assert.deepEqual(factsFromDiskSync(name, path.join(dir, name), parser, 1024), {}, name);
    assert.deepEqual(await factsFromDisk(name, path.join(dir, name), parser, 1024), {}, name);
  }
  const big = await factsFromDisk('big.nix', path.join(dir, 'big.nix'), parser, 1024);
  assert.equal(big.blob, gitBlobId(readFileSync(path.join(dir, 'big.nix'))), "a large file's blob id is of the bytes as they streamed by");
  assert.ok(big.facts?.value.k === 'set', 'its bindings are read in pieces');
  const small = factsFromDiskSync('small.nix', path.join(dir, 'small.nix'), parser, 1024);
  assert.match(small.blob ?? '', /^[0-9a-f]{40}$/);
});

test('a large file among the first that a maintainer list placeholder stands for is not read in parts, and indexing completes', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd-pool-maint-'));
  mkdirSync(path.join(root, 'pkgs'), { recursive: true });
  mkdirSync(path.join(root, 'maintainers'), { recursive: true });
  for (let i = 0; i < 140; i++)
    writeFileSync(path.join(root, 'pkgs', `p${i}.nix`), `{ stdenv }:\nstdenv.mkDerivation { pname = "p${i}"; }\n`);
  // An entry file (read first) under maintainers/, larger than the threshold.
  const bindings = Array.from({ length: 2000 }, (_, i) => `  m${i} = { name = "M ${i}"; email = "m${i}@example.org"; };`);
  writeFileSync(path.join(root, 'maintainers', 'flake.nix'), `{\n${bindings.join('\n')}\n}\n`);
  const small = 16 * 1024;
  const withWorkers = await Promise.race([
    indexed(root, 2, small),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('indexing did not complete within 60 s')), 60_000).unref()),
  ]);
  assert.equal(withWorkers.lastIndex?.inParts, 0, 'the placeholder is not read in parts');
  assert.deepEqual(factsOf(withWorkers), factsOf(await indexed(root, 0, small)));
});

test('cold, with workers started ahead, the top-level files are read while git lists the domain; one changed before the listing is read again', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'nd-pool-early-'));
  await generateUniverse({ out, scale: 'small' });
  const root = path.join(out, 'core');
  const small = 16 * 1024;
  const ALL_PACKAGES = 'pkgs/top-level/all-packages.nix';
  /** A cold run with workers started ahead; resolves `early` with the files it read before the listing. */
  const coldRun = (index: DomainIndex, onReady?: () => void) => {
    let readEarly!: (files: readonly string[]) => void;
    const early = new Promise<readonly string[]>((resolve) => (readEarly = resolve));
    IndexPool.prestart(2);
    const stats = NixParser.create().then((parser) =>
      indexDomain({
        root,
        parser,
        largeFileThreshold: small,
        workers: 2,
        cacheDir: null,
        index,
        skip: () => false,
        log: () => undefined,
        onReadEarly: readEarly,
        ...(onReady ? { onReady } : {}),
      }),
    );
    const bounded = Promise.race([
      early,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the files read ahead of the listing did not come within 60 s')), 60_000).unref(),
      ),
    ]);
    return { early: bounded, stats };
  };
  const inProcess = await indexed(root, 0, small);
  const ahead = new DomainIndex(root, 'core');
  const first = coldRun(ahead);
  const files = await first.early;
  const stats = await first.stats;
  assert.ok(files.includes(ALL_PACKAGES) && files.includes('lib/default.nix'), files.join());
  // Every file read ahead was used (so none was read twice), all-packages.nix in parts.
  assert.equal(stats.readEarly, files.length);
  assert.equal(stats.inParts, 1, 'all-packages.nix, read in parts ahead of the listing');
  assert.deepEqual(
    [...ahead.files.entries()].sort(([x], [y]) => (x < y ? -1 : 1)),
    factsOf(inProcess),
  );

  // git made to wait (a stand-in on PATH that waits for a file, then runs git): the run reads the
  // top-level files first; all-packages.nix then changes, and the listing gives the new content's blob.
  const gate = path.join(out, 'gate');
  const bin = path.join(out, 'bin');
  mkdirSync(bin);
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nwhile [ ! -e "${gate}" ]; do sleep 0.02; done\nexec "${realGit}" "$@"\n`, {
    mode: 0o755,
  });
  const file = path.join(root, ALL_PACKAGES);
  const PATH = process.env.PATH;
  process.env.PATH = `${bin}${path.delimiter}${PATH}`;
  const index = new DomainIndex(root, 'core');
  let atReady: { pending: number; allPackagesPending: boolean } | undefined;
  const gated = coldRun(index, () => {
    atReady ??= { pending: index.pendingCount, allPackagesPending: index.isPending(ALL_PACKAGES) };
  });
  try {
    const read = await gated.early;
    assert.deepEqual(read, files);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n}\s*$/, '\n  addedAfterTheEarlyRead = callPackage ./added.nix { };\n}\n'));
    writeFileSync(gate, '');
    const again = await gated.stats;
    assert.equal(again.readEarly, files.length - 1, 'all but the changed file read ahead were used');
    const names = JSON.stringify(index.files.get(ALL_PACKAGES));
    assert.ok(names.includes('addedAfterTheEarlyRead'), 'the changed file is indexed with its content at the listing');
    // Read again ahead of the rest, since the first answers wait for it: not at the run's end.
    assert.equal(atReady?.allPackagesPending, false, 'all-packages.nix is in when the run is ready');
    assert.ok(
      (atReady?.pending ?? 0) > 0,
      `the run was ready before the rest of the domain was read (${atReady?.pending} files pending then)`,
    );
  } finally {
    // Whatever failed above, git is let run and the run ends before the workers are let go.
    if (!existsSync(gate)) writeFileSync(gate, '');
    await gated.stats.catch(() => undefined);
    process.env.PATH = PATH;
    IndexPool.dropPrestarted();
  }
});
