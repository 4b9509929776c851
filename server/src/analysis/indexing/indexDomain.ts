import path from 'node:path';
import { isEntryFile, type DomainIndex } from '../domainIndex';
import { structureHash, type ReadFacts } from '../structure';
import type { NixParser } from '../parser';
import { existsSync } from 'node:fs';
import { cacheFileFor, defaultCacheDir, IndexCache, writeIndexCache, type CacheEntry } from './cache';
import { factsFromDisk, factsFromDiskSync, type FactsFromDisk } from './fileFacts';
import { listingFor } from './prelist';
import { defaultPoolSize, IndexPool } from './pool';
import { readEarly, readWithPool } from './poolRead';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface IndexProgress {
  done: number;
  total: number;
}

/** One run over a whole domain: where it is, how to index a file, and where the facts go. */
export interface IndexRun {
  root: string;
  parser: NixParser;
  largeFileThreshold: number;
  /** Worker threads to parse in; 0 parses in this thread. */
  workers: number;
  /** Folder of the on-disk cache; null for none. */
  cacheDir: string | null;
  /** The index the facts go into; the files the run lists are read on demand until the run has read them. */
  index: DomainIndex;
  /** Files whose disk content must not enter the cache's view of them (open editor buffers). */
  skip: (file: string) => boolean;
  /** The files read first are in (see `isPriorityFile`): requests may be answered from the partial index. */
  onReady?: () => void;
  onProgress?: (p: IndexProgress) => void;
  log: (message: string) => void;
  /** False in an untrusted workspace: no git process is started. */
  useGit?: boolean;
  /** A pause after each file read in process once the priority files are in, in ms (tests: an index that stays partial a while). */
  pauseMs?: number;
  /** The files read ahead of the listing on a cold start are in (tests: a change on disk before the listing). */
  onReadEarly?: (files: readonly string[]) => void;
  /** Settles once the caller has completed the index: the cache's write begins on the turn after it (what waits goes first). */
  completed?: Promise<unknown>;
}

/**
 * Starts the index workers ahead of the first run when a domain about to be indexed has no index
 * cache (a cold start: everything will be parsed), so they load the grammar while the domain is
 * listed. With a cache they are not started: its files are decoded, not parsed, and the workers
 * would only take the cores from that. Returns whether a domain has no cache.
 */
export function prestartIndexWorkers(roots: readonly string[], cacheDir: string | null = defaultCacheDir()): boolean {
  const cold = roots.some((root) => cacheDir === null || !existsSync(cacheFileFor(cacheDir, root)));
  if (cold) IndexPool.prestart(defaultPoolSize());
  return cold;
}

/** What a run did: tests count parses with it, the CLI reports it. */
export interface IndexStats {
  files: number;
  fromCache: number;
  parsed: number;
  /** Workers actually used (0: all in process). */
  workers: number;
  /** Large files read by several workers at once, a part each. */
  inParts: number;
  /** Files read ahead of the listing (a cold start with workers started ahead) and used. */
  readEarly: number;
  cacheFile?: string;
  /** Settles when the cache is written (or was current already); a failed write is only logged. */
  cacheSaved: Promise<void>;
}

/** Below this many files to parse, starting workers (each loads the grammar) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 128;
/** Work this long between yields to the event loop, so requests and progress are not starved. */
const SLICE_MS = 8;

/**
 * The files read before any other: the top-level package sets, by-name package groups, the lib
 * and the collection's entry files. With them (and by-name packages known from their paths)
 * a name resolves as it will once everything is read; the files it leads to are read on demand.
 */
function inTopLevelFolder(file: string): boolean {
  return /(^|\/)pkgs\/top-level\//.test(file);
}

function isPriorityFile(file: string): boolean {
  return (
    inTopLevelFolder(file) ||
    /(^|\/)pkgs\/by-name\/[^/]+\/[^/]+\/packages\.nix$/.test(file) ||
    file === 'lib/default.nix' ||
    isEntryFile(file)
  );
}

/**
 * Indexes every `.nix` file of a domain. The listing comes first, so every file is known from the
 * start and read on demand when a request needs it; then the priority files; then the rest:
 * facts of files whose blob id matches the cache are decoded from it in slices, the others are
 * parsed by a worker pool (or in process); untracked files join when git has found them. The
 * cache is rewritten when anything changed. The index comes out the same whatever the order.
 */
export async function indexDomain(run: IndexRun): Promise<IndexStats> {
  const cacheFile = run.cacheDir === null ? undefined : cacheFileFor(run.cacheDir, run.root);
  // git walks the worktree in its own process while this thread reads the cache and decodes the
  // first files' facts from it (used only where the listing gives the blob they were read from).
  const listed = listingFor(run.root, run.useGit !== false);
  listed.catch(() => undefined); // its failure is met where it is awaited
  const opened = cacheFile ? await IndexCache.open(cacheFile, run.root, run.largeFileThreshold, run.log) : undefined;
  // Cold, with workers started ahead (an editor's first start): they read the top-level files
  // while git lists the domain; each is used where the listing gives the blob it was read from.
  const earlyPool = opened === undefined && IndexPool.prestartedCount > 0 ? IndexPool.start(run.workers, run.log) : undefined;
  const early = earlyPool && readEarly(run.root, earlyPool, run.largeFileThreshold, isPriorityFile, run.onReadEarly);
  /** Starts git's walk for untracked files once the run is ready; a run that fails before it fires does not walk. */
  let walkTimer: NodeJS.Timeout | undefined;
  /** Set once the run has ended (also by a failure): what is still parsed in process stops. */
  let ended = false;
  try {
    const ahead = opened ? await readAhead(opened, run.index) : new Map<string, ReadFacts>();
    let listing: Awaited<typeof listed>;
    try {
      listing = await listed;
    } catch (err) {
      // What was shared ahead has no run to end it.
      run.index.shareAhead(undefined);
      throw err;
    }
    /** Dropped at the first entry that does not decode: a cache is never trusted in part. */
    let cache = opened;
    const files = [...listing.tracked.files];
    const { blobByFile } = listing.tracked;
    /** What the run read of each file (null: not indexable), and whether it came from the cache. */
    const read = new Map<string, { read: ReadFacts | null; cached: boolean }>();
    let parsed = 0;
    const absolute = (file: string) => path.join(run.root, file);

    const fromCache = (file: string): ReadFacts | undefined => {
      const blob = blobByFile.get(file);
      if (!cache || blob === undefined || cache.blobOf(file) !== blob) return undefined;
      try {
        const facts = ahead.get(file) ?? cache.read(file);
        ahead.delete(file);
        read.set(file, { read: facts, cached: true });
        return facts;
      } catch (err) {
        run.log(`index cache ${cacheFile} ignored from here on, rebuilding: ${err instanceof Error ? err.message : String(err)}`);
        cache = undefined;
        return undefined;
      }
    };
    const land = (file: string, result: FactsFromDisk): ReadFacts | undefined => {
      const facts = result.facts ? { facts: result.facts, structure: result.structure ?? structureHash(result.facts) } : undefined;
      read.set(file, { read: facts ?? null, cached: false });
      parsed++;
      // The blob of the bytes actually parsed, when the parser saw them, beats the listing's.
      if (result.blob) blobByFile.set(file, result.blob);
      return facts;
    };
    let done = 0;
    let lastProgress = 0;
    const progress = (force = false) => {
      const now = performance.now();
      if (!force && now - lastProgress < 50) return;
      lastProgress = now;
      run.onProgress?.({ done: Math.min(done, files.length), total: files.length });
    };
    let ready = false;
    /**
     * Once the files read first are in: requests may answer, and then git walks the worktree for
     * untracked files (on the next turn of the event loop, after the requests that waited).
     */
    const becomeReady = () => {
      ready = true;
      run.onReady?.();
      walkTimer = setTimeout(() => void listing.untracked(), 0);
    };
    /** Whether the files read first are all in (becoming ready when they just came in). */
    const checkReady = () => {
      if (!ready && priority.every((f) => !run.index.isPending(f))) becomeReady();
      return ready;
    };
    const deliver = (file: string, facts: ReadFacts | undefined) => {
      if (run.index.deliver(file, facts)) done++;
      checkReady();
      progress();
    };

    /** A file a request needs before its turn is read now, from the cache or from the disk. */
    const readNow = (file: string): ReadFacts | undefined => {
      done++;
      return fromCache(file) ?? land(file, factsFromDiskSync(file, absolute(file), run.parser, run.largeFileThreshold));
    };
    run.index.expect(files, readNow);
    const priority = files.filter((f) => isPriorityFile(f) && run.index.isPending(f));
    for (const file of priority) {
      const facts = fromCache(file);
      if (facts) deliver(file, facts);
    }

    const readingEarly = new Set(early?.files);
    const toParse = (list: readonly string[]) =>
      list.filter(
        (f) =>
          run.index.isPending(f) && !readingEarly.has(f) && (blobByFile.get(f) === undefined || cache?.blobOf(f) !== blobByFile.get(f)),
      );
    let workers = 0;
    let inParts = 0;
    /** Parses what the cache and the early read do not give, the priority files first, one per batch. */
    const startParsing = () => {
      // The top-level files first: the largest (all-packages.nix, a megabyte) takes a worker most of
      // a second, and started last it would finish last.
      const first = toParse(priority).sort((a, b) => Number(inTopLevelFolder(b)) - Number(inTopLevelFolder(a)));
      const firstSet = new Set(first);
      return parse([...first, ...toParse(files).filter((f) => !firstSet.has(f))], first.length, earlyPool);
    };
    // Cold with an early read: the rest is queued behind it at once, so the workers go on to it as
    // they finish the early files instead of waiting for all of them to be in (a second of a
    // worker's time on the generated core). A file read early whose facts cannot be used (it
    // changed before the listing) is read again ahead of this (`missed`, below).
    let parsing = early ? startParsing() : undefined;
    parsing?.catch(() => undefined); // met where it is awaited

    let readEarlyCount = 0;
    const earlyRead = await early?.done;
    for (const [file, result] of earlyRead?.read ?? []) {
      if (!run.index.isPending(file) || result.blob === undefined || blobByFile.get(file) !== result.blob) continue;
      deliver(file, land(file, result));
      readEarlyCount++;
      if (earlyRead?.inParts.includes(file)) inParts++;
    }
    if (checkReady()) {
      // The requests that waited for these files are answered before the rest of the run is set up
      // (sorting 40,000 files into cached and not took 40 ms of a warm start's first answer).
      await nextTurn();
    }
    // An early file not in (its worker lost, parts that did not agree, changed before the listing):
    // read now, ahead of everything queued, since the first answers wait for it.
    const missed = early ? early.files.filter((f) => run.index.isPending(f)) : [];
    const urgent = missed.length > 0 ? parse(missed, missed.length, earlyPool, true) : undefined;
    urgent?.catch(() => undefined); // met where it is awaited
    parsing ??= startParsing();
    await decodeCached(files);
    await urgent;
    await parsing;
    await earlyPool?.close();
    // What the cache could not give after all (it was dropped on the way) is parsed too.
    await parse(
      files.filter((f) => run.index.isPending(f)),
      0,
    );

    // Untracked files, once git has walked the worktree for them (started when the run was ready).
    // A file git stopped tracking since the first listing (`git rm --cached`) is in both: once here.
    const walked = await listing.untracked();
    const tracked = walked.files.length > 0 ? new Set(files) : undefined;
    const untracked = walked.files.filter((f) => !tracked?.has(f));
    if (untracked.length > 0) {
      for (const file of untracked) {
        const blob = walked.blobByFile.get(file);
        if (blob !== undefined) blobByFile.set(file, blob);
      }
      files.push(...untracked);
      files.sort();
      run.index.expect(untracked, readNow);
      await decodeCached(untracked);
      await parse(
        untracked.filter((f) => run.index.isPending(f)),
        0,
      );
    }
    run.index.settle();
    IndexCache.release();
    // A run with a cache leaves them to another domain's run that has none (or to their timer).
    if (!opened) IndexPool.dropPrestarted();
    if (!ready) becomeReady();
    progress(true);

    const fromCacheCount = [...read.values()].filter((r) => r.cached).length;
    const stats: IndexStats = {
      files: files.length,
      fromCache: fromCacheCount,
      parsed,
      workers,
      inParts,
      readEarly: readEarlyCount,
      cacheFile,
      cacheSaved: Promise.resolve(),
    };
    if (cacheFile) {
      const entries = cacheEntries(files, blobByFile, read, run.skip, opened);
      // Rewrite the cache only when it would change: nothing parsed and nothing dropped means it is current.
      if (cache === undefined || entries.some((e) => !('from' in e)) || entries.length !== cache.size) {
        stats.cacheSaved = Promise.allSettled([run.completed])
          .then(() => nextTurn())
          .then(() => writeIndexCache(cacheFile, run.root, run.largeFileThreshold, entries, opened))
          .catch((err) => run.log(`index cache ${cacheFile} not written: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
    return stats;

    /** Yields to the event loop once a slice of work is done, or after each file once ready when `pauseMs` asks for a pause. */
    async function yieldIfDue(sliceEnd: number): Promise<number> {
      if (ready && run.pauseMs) await new Promise((resolve) => setTimeout(resolve, run.pauseMs));
      else if (performance.now() >= sliceEnd) await nextTurn();
      else return sliceEnd;
      return performance.now() + SLICE_MS;
    }

    /** Decodes the cached facts of the files still to be read, in slices. */
    async function decodeCached(list: readonly string[]): Promise<void> {
      let sliceEnd = performance.now() + SLICE_MS;
      for (const file of list) {
        if (!run.index.isPending(file)) continue;
        const facts = fromCache(file);
        if (facts) deliver(file, facts);
        sliceEnd = await yieldIfDue(sliceEnd);
      }
    }

    /**
     * Parses files, the first `alone` of them one at a time: in worker threads when there are enough
     * (`started`: the pool of the early read, which the run closes once all its parses are in;
     * `urgent` puts them before what that pool has queued), else here; see `readWithPool`.
     */
    async function parse(list: readonly string[], alone: number, started?: IndexPool, urgent = false): Promise<void> {
      let remaining: readonly string[] = list;
      // Workers that died during the early read leave none: new ones, then.
      const pool = started?.size ? started : list.length >= MIN_FILES_FOR_WORKERS ? IndexPool.start(run.workers, run.log) : undefined;
      if (pool) {
        workers = Math.max(workers, pool.size);
        try {
          const read = await readWithPool(
            pool,
            list,
            alone,
            absolute,
            run.largeFileThreshold,
            (file, result) => {
              // A request may have read it meanwhile.
              if (run.index.isPending(file)) deliver(file, land(file, result));
            },
            urgent,
          );
          remaining = read.failed;
          inParts += read.inParts.length;
        } finally {
          if (pool !== started) await pool.close();
        }
        // The early read's workers all stopped on the way: new ones for what they left, once.
        if (pool === started && pool.size === 0 && !ended) return parse(remaining, 0);
      }
      let sliceEnd = performance.now() + SLICE_MS;
      for (const file of remaining) {
        if (ended) return;
        if (!run.index.isPending(file)) continue;
        const result = await factsFromDisk(file, absolute(file), run.parser, run.largeFileThreshold);
        if (run.index.isPending(file)) deliver(file, land(file, result));
        sliceEnd = await yieldIfDue(sliceEnd);
      }
    }
  } finally {
    ended = true;
    clearTimeout(walkTimer);
    // However the run ends (closing a pool the parse closed already does nothing).
    await early?.done.catch(() => undefined);
    await earlyPool?.close();
  }
}

/**
 * The cached facts of the files read first, decoded and their pieces shared, yielding after each so
 * git's output keeps flowing; stops at the first entry that does not decode (the run finds it too).
 */
async function readAhead(cache: IndexCache, index: DomainIndex): Promise<Map<string, ReadFacts>> {
  const ahead = new Map<string, ReadFacts>();
  for (const file of cache.files()) {
    if (!isPriorityFile(file)) continue;
    try {
      const read = cache.read(file);
      index.shareAhead(read.facts);
      ahead.set(file, read);
    } catch {
      break;
    }
    await nextTurn();
  }
  return ahead;
}

/** What the new cache holds, in file order: what this run read, and an open buffer's entry as the old cache knew it. */
function cacheEntries(
  files: readonly string[],
  blobByFile: ReadonlyMap<string, string>,
  read: ReadonlyMap<string, { read: ReadFacts | null; cached: boolean }>,
  skip: (file: string) => boolean,
  cache: IndexCache | undefined,
): CacheEntry[] {
  const entries: CacheEntry[] = [];
  for (const file of files) {
    const blob = blobByFile.get(file);
    if (blob === undefined) continue;
    const r = read.get(file);
    if (r?.read) entries.push(r.cached ? { path: file, blob, from: cache! } : { path: file, blob, ...r.read });
    // An open buffer's disk content was not read: keep what the cache knew of it.
    else if (!r && skip(file) && cache?.blobOf(file) === blob) entries.push({ path: file, blob, from: cache });
  }
  return entries;
}
