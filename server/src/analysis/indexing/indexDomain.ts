import path from 'node:path';
import type { FileFacts } from '../facts';
import type { NixParser } from '../parser';
import { cacheFileFor, readIndexCache, writeIndexCache, type CachedFacts } from './cache';
import { factsFromDisk, type FactsFromDisk } from './fileFacts';
import { listDomainFiles } from './listing';
import { IndexPool } from './pool';

export interface IndexProgress { done: number; total: number }

/** One run over a whole domain: where it is, how to index a file, and where the facts go. */
export interface IndexRun {
  root: string;
  parser: NixParser;
  largeFileThreshold: number;
  /** Worker threads to parse in; 0 parses in this thread. */
  workers: number;
  /** Folder of the on-disk cache; null for none. */
  cacheDir: string | null;
  /** Files whose disk content must not enter the index (open editor buffers). */
  skip: (file: string) => boolean;
  /** Puts a file's facts into the index, or takes the file out (undefined); called in file order. */
  apply: (file: string, facts: FileFacts | undefined) => void;
  onProgress?: (p: IndexProgress) => void;
  log: (message: string) => void;
  /** False in an untrusted workspace: no git process is started. */
  useGit?: boolean;
}

/** What a run did: tests count parses with it, the CLI reports it. */
export interface IndexStats {
  files: number;
  fromCache: number;
  parsed: number;
  /** Workers actually used (0: all in process). */
  workers: number;
  cacheFile?: string;
  /** Settles when the cache is written (or was current already); a failed write is only logged. */
  cacheSaved: Promise<void>;
}

/** Below this many files to parse, starting workers (each loads the grammar) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 128;
/** Facts applied between yields to the event loop, so requests and progress are not starved. */
const APPLY_SLICE = 2000;

/**
 * Indexes every `.nix` file of a domain: facts of files whose blob id matches the cache are
 * taken from it, the rest are parsed by a worker pool (or in process), and the cache is
 * rewritten. Facts are applied in file order, exactly as a file-by-file run would.
 */
export async function indexDomain(run: IndexRun): Promise<IndexStats> {
  const cacheFile = run.cacheDir === null ? undefined : cacheFileFor(run.cacheDir, run.root);
  // git walks the worktree in its own process while this thread reads the cache.
  const [listing, cached] = await Promise.all([
    listDomainFiles(run.root, run.useGit !== false),
    cacheFile ? readIndexCache(cacheFile, run.root, run.largeFileThreshold, run.log) : new Map<string, CachedFacts>(),
  ]);
  const { files, blobByFile } = listing;
  const total = files.length;
  const skipped = files.map((f) => run.skip(f));
  const factsAt: (FileFacts | null | undefined)[] = new Array(total); // null: not indexable
  const toParse: number[] = [];
  let fromCache = 0;
  for (let i = 0; i < total; i++) {
    if (skipped[i]) { factsAt[i] = null; continue; }
    const hit = cached.get(files[i]!);
    if (hit && hit.blob === blobByFile.get(files[i]!)) { factsAt[i] = hit.facts; fromCache++; } else toParse.push(i);
  }

  let applied = 0;
  /** Applies the facts that are ready, in file order, up to `limit` files; returns how many. */
  const flush = (limit = Infinity): number => {
    let n = 0;
    for (; n < limit && applied < total && factsAt[applied] !== undefined; n++, applied++) {
      if (!skipped[applied]) run.apply(files[applied]!, factsAt[applied] ?? undefined);
    }
    if (n > 0) run.onProgress?.({ done: applied, total });
    return n;
  };
  const land = (at: number, result: FactsFromDisk) => {
    factsAt[at] = result.facts ?? null;
    // The blob of the bytes actually parsed, when the worker saw them, beats the listing's.
    if (result.blob) blobByFile.set(files[at]!, result.blob);
  };
  // Cached facts up to the first file to parse, in slices with yields between them.
  while (flush(APPLY_SLICE) === APPLY_SLICE) await yieldToEventLoop();

  let workers = 0;
  let remaining = toParse;
  const pool = toParse.length >= MIN_FILES_FOR_WORKERS ? IndexPool.start(run.workers, run.log) : undefined;
  if (pool) {
    workers = pool.size;
    try {
      const pairs = toParse.map((i): [string, string] => [files[i]!, path.join(run.root, files[i]!)]);
      const failed = await pool.run(pairs, run.largeFileThreshold, (first, results) => {
        results.forEach((result, k) => land(toParse[first + k]!, result));
        flush();
      });
      remaining = failed.map((k) => toParse[k]!);
    } finally {
      await pool.close();
    }
  }
  for (let n = 0; n < remaining.length; n++) {
    const at = remaining[n]!;
    land(at, await factsFromDisk(files[at]!, path.join(run.root, files[at]!), run.parser, run.largeFileThreshold));
    if (n % 50 === 49) { flush(); await yieldToEventLoop(); }
  }
  flush();
  run.onProgress?.({ done: applied, total });

  const stats: IndexStats = { files: total, fromCache, parsed: toParse.length, workers, cacheFile, cacheSaved: Promise.resolve() };
  // Rewrite the cache only when it would change: nothing parsed and nothing dropped means it is current.
  const keptOpen = files.filter((f, i) => skipped[i] && cached.get(f)?.blob === blobByFile.get(f)).length;
  if (cacheFile && (toParse.length > 0 || cached.size !== fromCache + keptOpen)) {
    const entries: [string, CachedFacts][] = [];
    for (let i = 0; i < total; i++) {
      const file = files[i]!;
      const blob = blobByFile.get(file);
      if (skipped[i]) {
        // An open buffer's disk content was not read: keep what the cache knew of it.
        const old = cached.get(file);
        if (old && old.blob === blob) entries.push([file, old]);
      } else if (factsAt[i] && blob) entries.push([file, { blob, facts: factsAt[i]! }]);
    }
    stats.cacheSaved = writeIndexCache(cacheFile, run.root, run.largeFileThreshold, entries)
      .catch((err) => run.log(`index cache ${cacheFile} not written: ${err instanceof Error ? err.message : String(err)}`));
  }
  return stats;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
