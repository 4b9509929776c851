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
  /** The batches sent to it and not answered yet, oldest first. */
  batches: number[];
  /** The worker ended between two runs (its run's listeners were gone): it gets no batch. */
  exited?: boolean;
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
  private constructor(
    private readonly slots: Slot[],
    private readonly log: (message: string) => void,
  ) {
    // Between two runs nothing else listens: an error must not go unhandled, and an exit is noted.
    for (const slot of slots) {
      slot.worker.on('error', () => undefined);
      slot.worker.once('exit', () => (slot.exited = true));
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
   * indices of files no worker indexed.
   */
  run(
    files: FileJob[],
    largeFileThreshold: number,
    onBatch: (first: number, results: FactsFromDisk[]) => void,
    alone = 0,
  ): Promise<number[]> {
    // Batch k covers files [starts[k], starts[k + 1]).
    const starts: number[] = [];
    for (let i = 0; i < files.length; i += i < alone ? 1 : BATCH_FILES) starts.push(i);
    starts.push(files.length);
    const batches = starts.length - 1;
    const failed: number[] = [];
    let next = 0;
    let finished = 0;
    return new Promise((resolve) => {
      const fail = (batch: number) => {
        for (let i = starts[batch]!; i < starts[batch + 1]!; i++) failed.push(i);
      };
      const listening = new Map<
        Slot,
        { message: (reply: BatchReply) => void; error: (err: Error) => void; exit: (code: number) => void }
      >();
      const unlisten = (slot: Slot) => {
        const l = listening.get(slot);
        if (!l) return;
        listening.delete(slot);
        slot.worker.off('message', l.message).off('error', l.error).off('exit', l.exit);
      };
      const settle = () => {
        if (finished < batches) return;
        for (const slot of [...listening.keys()]) unlisten(slot);
        resolve(failed.sort((a, b) => a - b));
      };
      const feed = (slot: Slot) => {
        while (next < batches && slot.batches.length < IN_FLIGHT) {
          const id = next++;
          slot.batches.push(id);
          const request: BatchRequest = { id, largeFileThreshold, files: files.slice(starts[id], starts[id + 1]) };
          slot.worker.postMessage(request);
        }
      };
      // A dead worker's batch, and every batch not yet sent once no worker is left, fall back.
      const lose = (slot: Slot, why: string) => {
        this.log(`index worker stopped (${why}); its files are indexed in process`);
        this.slots.splice(this.slots.indexOf(slot), 1);
        unlisten(slot);
        void slot.worker.terminate();
        for (const batch of slot.batches.splice(0)) {
          fail(batch);
          finished++;
        }
        if (this.slots.length === 0)
          while (next < batches) {
            fail(next++);
            finished++;
          }
        settle();
      };
      // Workers that ended since the last run are let go; with none left, every batch is handed back.
      for (const slot of this.slots.filter((s) => s.exited)) this.slots.splice(this.slots.indexOf(slot), 1);
      if (batches > 0 && this.slots.length === 0) {
        while (next < batches) {
          fail(next++);
          finished++;
        }
      }
      if (finished >= batches) {
        settle();
        return;
      }
      for (const slot of [...this.slots]) {
        const message = (reply: BatchReply) => {
          slot.batches.splice(slot.batches.indexOf(reply.id), 1);
          if ('error' in reply) {
            this.log(`index worker failed on a batch: ${reply.error}`);
            fail(reply.id);
          } else {
            try {
              onBatch(starts[reply.id]!, reply.results);
            } catch (err) {
              // What the caller could not take in is indexed in process, like a batch a worker failed on.
              this.log(`index batch not taken in: ${err instanceof Error ? err.message : String(err)}`);
              fail(reply.id);
            }
          }
          finished++;
          feed(slot);
          settle();
        };
        const error = (err: Error) => lose(slot, err.message);
        const exit = (code: number) => lose(slot, `exit code ${code}`);
        listening.set(slot, { message, error, exit });
        slot.worker.on('message', message).on('error', error).on('exit', exit);
        feed(slot);
      }
    });
  }

  /** Stops every worker; their memory goes back to the system. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((s) => {
        s.worker.removeAllListeners();
        return s.worker.terminate();
      }),
    );
  }
}
