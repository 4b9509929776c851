import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LargeFilePart } from '../largeFile';
import type { FactsFromDisk } from './fileFacts';

/** A file for a worker to read: its domain-relative and absolute paths, and for a large file read by several workers, which part. */
export type FileJob = [file: string, absolute: string, part?: LargeFilePart];

/** A batch of files for one worker. */
export interface BatchRequest {
  id: number;
  largeFileThreshold: number;
  files: FileJob[];
}
export type BatchReply = { id: number; results: FactsFromDisk[] } | { id: number; error: string };
/** Sent to a worker started ahead of its pool: load the grammar now, no reply. */
export interface WarmRequest {
  warm: true;
}

/**
 * A worker keeps one batch's facts at a time: a small young generation is enough, and every
 * megabyte of it is resident while the domain is indexed (one per core).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** Files per message: large enough to amortise a round trip, small enough to balance the workers. */
const BATCH_FILES = 64;

/**
 * Batches sent to a worker before its first reply: with one, a worker waited for the main thread
 * (busy taking in the other worker's facts, or collecting garbage) between two batches.
 */
const IN_FLIGHT = 2;

/** How many index workers to start: `NIX_DOMAINS_INDEX_WORKERS`, else one per available core. */
export function defaultPoolSize(): number {
  const fromEnv = Number(process.env.NIX_DOMAINS_INDEX_WORKERS);
  if (process.env.NIX_DOMAINS_INDEX_WORKERS !== undefined && Number.isInteger(fromEnv) && fromEnv >= 0) return fromEnv;
  return Math.max(1, os.availableParallelism());
}

/**
 * The worker's entry: `indexWorker.js` beside the bundle (dist/), else the TypeScript source
 * beside this module, run through tsx (tests and `node --import tsx`). `--import tsx` in the
 * worker's execArgv does not cover the entry itself, so a one-line script registers tsx's
 * CommonJS hook and then requires the source.
 */
function workerEntry(): { script: string; eval: boolean } | undefined {
  const bundled = path.join(__dirname, 'indexWorker.js');
  if (existsSync(bundled)) return { script: bundled, eval: false };
  const source = path.join(__dirname, 'indexWorker.ts');
  if (existsSync(source)) return { script: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  return undefined;
}

interface Slot {
  worker: Worker;
  /** The batches sent to it and not answered yet (pool-wide ids), oldest first. */
  batches: number[];
}

/** One call of `IndexPool.run`: its files, cut into batches, and what has come back. */
interface Run {
  files: FileJob[];
  /** Batch k covers files [starts[k], starts[k + 1]). */
  starts: number[];
  largeFileThreshold: number;
  onBatch: (first: number, results: FactsFromDisk[]) => void;
  failed: number[];
  finished: number;
  resolve: (failed: number[]) => void;
}

/** A batch of a run: waiting in the pool's queue, or sent to a worker. */
interface Batch {
  run: Run;
  index: number;
}

/** Workers started ahead of the first pool (`IndexPool.prestart`), loading the grammar meanwhile, and when they are stopped. */
let prestarted: Worker[] = [];
let prestartTimer: NodeJS.Timeout | undefined;

function newWorker(entry: { script: string; eval: boolean }): Worker {
  // What a worker prints (the grammar's runtime may) goes to stderr: the server's stdout can carry the protocol.
  const worker = new Worker(entry.script, { eval: entry.eval, resourceLimits: WORKER_LIMITS, stdout: true });
  worker.stdout.pipe(process.stderr, { end: false });
  return worker;
}

/**
 * A pool of worker threads that read, parse and extract files. It never decides anything about
 * a file itself, and a batch a worker fails on is handed back so the caller can index it in
 * process: correctness never depends on the workers.
 */
export class IndexPool {
  /** Batches no worker has taken yet, of every run, in the order the runs queued them. */
  private readonly queue: Batch[] = [];
  /** Batches sent to a worker, by the id they were sent with. */
  private readonly sent = new Map<number, Batch>();
  private nextId = 0;

  private constructor(
    private readonly slots: Slot[],
    private readonly log: (message: string) => void,
  ) {
    for (const slot of slots) {
      slot.worker.on('message', (reply: BatchReply) => this.answered(slot, reply));
      slot.worker.on('error', (err: Error) => this.lose(slot, err.message));
      slot.worker.on('exit', (code: number) => this.lose(slot, `exit code ${code}`));
    }
  }

  /** Starts `size` workers; undefined when size is 0 or workers cannot be started here. */
  static start(size: number, log: (message: string) => void = () => undefined): IndexPool | undefined {
    const entry = size > 0 ? workerEntry() : undefined;
    if (!entry) return undefined;
    const slots: Slot[] = prestarted.splice(0, size).map((worker) => {
      worker.removeAllListeners();
      return { worker, batches: [] };
    });
    try {
      while (slots.length < size) slots.push({ worker: newWorker(entry), batches: [] });
    } catch (err) {
      log(`index workers unavailable, indexing in process: ${err instanceof Error ? err.message : String(err)}`);
      for (const slot of slots) void slot.worker.terminate();
      return undefined;
    }
    return new IndexPool(slots, log);
  }

  /**
   * Starts `size` workers now, each loading the grammar, for the next pool to take: the server
   * starts them as it starts, so the grammar loads while the domain is listed, not after. Those no
   * pool takes are stopped by `dropPrestarted` (the end of an index run) or after `idleMs`.
   */
  static prestart(size: number, idleMs = 60_000): void {
    const entry = size > 0 && prestarted.length === 0 ? workerEntry() : undefined;
    if (!entry) return;
    try {
      for (let i = 0; i < size; i++) {
        const worker = newWorker(entry);
        // One that stops before a pool takes it is no longer offered.
        worker.once('exit', () => (prestarted = prestarted.filter((w) => w !== worker)));
        worker.once('error', () => undefined);
        worker.postMessage({ warm: true } satisfies WarmRequest);
        prestarted.push(worker);
      }
    } catch {
      // Workers cannot be started here: the pool says so when it is asked for.
    }
    clearTimeout(prestartTimer);
    prestartTimer = setTimeout(() => IndexPool.dropPrestarted(), idleMs).unref();
  }

  /** How many prestarted workers wait for a pool. */
  static get prestartedCount(): number {
    return prestarted.length;
  }

  /** Stops the prestarted workers no pool took. */
  static dropPrestarted(): void {
    for (const worker of prestarted.splice(0)) {
      worker.removeAllListeners();
      void worker.terminate();
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Indexes `files` in batches, in order of dispatch; `onBatch` receives each batch's results
   * with the index of its first file. The first `alone` files go one per batch, so each is
   * answered as soon as it is parsed (the files a first request needs). Resolves with the
   * indices of files no worker indexed. Runs may overlap: the batches of a later run are taken
   * once those of the earlier ones are, so the workers go from one to the next without waiting;
   * an `urgent` run's batches go before every batch still queued.
   */
  run(
    files: FileJob[],
    largeFileThreshold: number,
    onBatch: (first: number, results: FactsFromDisk[]) => void,
    alone = 0,
    urgent = false,
  ): Promise<number[]> {
    const starts: number[] = [];
    for (let i = 0; i < files.length; i += i < alone ? 1 : BATCH_FILES) starts.push(i);
    starts.push(files.length);
    return new Promise((resolve) => {
      const run: Run = { files, starts, largeFileThreshold, onBatch, failed: [], finished: 0, resolve };
      const batches: Batch[] = [];
      for (let index = 0; index < starts.length - 1; index++) batches.push({ run, index });
      if (urgent) this.queue.unshift(...batches);
      else this.queue.push(...batches);
      // With no worker left, every batch is handed back.
      if (this.slots.length === 0) this.failQueued();
      this.settle(run);
      // One batch to each worker, then a second to each: the parts of a large file, one per worker,
      // are parsed at once, not two after each other on one worker.
      for (let level = 1; level <= IN_FLIGHT; level++) for (const slot of this.slots) this.feed(slot, level);
    });
  }

  /** Sends a worker batches from the queue until it has `upTo` of them (at most `IN_FLIGHT`). */
  private feed(slot: Slot, upTo = IN_FLIGHT): void {
    while (slot.batches.length < upTo && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      const { run, index } = batch;
      const id = this.nextId++;
      this.sent.set(id, batch);
      slot.batches.push(id);
      const request: BatchRequest = {
        id,
        largeFileThreshold: run.largeFileThreshold,
        files: run.files.slice(run.starts[index], run.starts[index + 1]),
      };
      slot.worker.postMessage(request);
    }
  }

  private answered(slot: Slot, reply: BatchReply): void {
    const batch = this.sent.get(reply.id);
    if (!batch) return;
    this.sent.delete(reply.id);
    const at = slot.batches.indexOf(reply.id);
    if (at >= 0) slot.batches.splice(at, 1);
    if ('error' in reply) {
      this.log(`index worker failed on a batch: ${reply.error}`);
      this.fail(batch);
    } else {
      try {
        batch.run.onBatch(batch.run.starts[batch.index]!, reply.results);
      } catch (err) {
        // What the caller could not take in is indexed in process, like a batch a worker failed on.
        this.log(`index batch not taken in: ${err instanceof Error ? err.message : String(err)}`);
        this.fail(batch);
      }
    }
    this.finish(batch);
    this.feed(slot);
  }

  /** A worker that died: its batches, and once no worker is left every batch queued, are handed back. */
  private lose(slot: Slot, why: string): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.log(`index worker stopped (${why}); its files are indexed in process`);
    this.slots.splice(at, 1);
    slot.worker.removeAllListeners('message');
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    this.failSent(slot);
    if (this.slots.length === 0) this.failQueued();
  }

  private failSent(slot: Slot): void {
    for (const id of slot.batches.splice(0)) {
      const batch = this.sent.get(id);
      this.sent.delete(id);
      if (!batch) continue;
      this.fail(batch);
      this.finish(batch);
    }
  }

  private failQueued(): void {
    for (const batch of this.queue.splice(0)) {
      this.fail(batch);
      this.finish(batch);
    }
  }

  private fail({ run, index }: Batch): void {
    for (let i = run.starts[index]!; i < run.starts[index + 1]!; i++) run.failed.push(i);
  }

  private finish(batch: Batch): void {
    batch.run.finished++;
    this.settle(batch.run);
  }

  private settle(run: Run): void {
    if (run.finished === run.starts.length - 1) run.resolve(run.failed.sort((a, b) => a - b));
  }

  /** Stops every worker; their memory goes back to the system. The batches of runs not yet answered are handed back. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const slot of slots) this.failSent(slot);
    this.failQueued();
    await Promise.all(
      slots.map((s) => {
        s.worker.removeAllListeners();
        s.worker.on('error', () => undefined);
        return s.worker.terminate();
      }),
    );
  }
}
