// Work that must not block the server: a request's budget (cancellation, a deadline, slices that
// yield to the event loop) and whole-domain values computed in steps. A long computation is a
// generator that yields between pieces of work; run synchronously (the CLI) it runs to the end,
// prepared for a request it runs in slices, so other requests are answered meanwhile.

/** What a request's work checks: set by the client's `$/cancelRequest`. */
interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

/** A computation in steps: yields (nothing) between pieces of work, returns its value. */
export type Steps<T> = Generator<void, T, void>;

export interface BudgetOptions {
  token?: CancellationLike;
  /** Wall time the work may take in all, in ms (default: no limit). */
  timeoutMs?: number;
  /** Work this long between two yields to the event loop, in ms (default 8). */
  sliceMs?: number;
  /**
   * How long each yield lasts, in ms (default 0: just let what is waiting run). Tests slow long work
   * down with it. A function is asked at each yield (background work pauses longer while requests come).
   */
  pauseMs?: number | (() => number);
}

/** What a piece of work may spend: it yields after each slice and stops once cancelled or out of time. */
export class Budget {
  /** Why the work stopped before its end, once it did. */
  cut?: 'cancelled' | 'out of time';
  private readonly deadline: number;
  private readonly sliceMs: number;
  private sliceEnd: number;

  constructor(private readonly options: BudgetOptions = {}) {
    const now = performance.now();
    this.deadline = options.timeoutMs === undefined ? Infinity : now + options.timeoutMs;
    this.sliceMs = options.sliceMs ?? 8;
    this.sliceEnd = now + this.sliceMs;
  }

  /** Whether the current slice is used up, or the time: the caller should `pause()` before more work. */
  get due(): boolean {
    const now = performance.now();
    return now >= this.sliceEnd || now >= this.deadline || this.options.token?.isCancellationRequested === true;
  }

  /** Whether the work must stop (cancelled or out of time); records why (in the budget a part was made from too). */
  get stopped(): boolean {
    if (this.cut) return true;
    if (this.options.token?.isCancellationRequested) this.cut = 'cancelled';
    else if (performance.now() >= this.deadline) this.cut = 'out of time';
    if (this.cut) void this.whole?.stopped;
    return this.cut !== undefined;
  }

  /**
   * Waits for something outside the process (a stub fetch) no longer than the time left: its
   * value, or undefined when the budget ran out first (the work itself goes on and is cached).
   */
  async race<T>(work: Promise<T>): Promise<T | undefined> {
    if (this.stopped) return undefined;
    const left = this.deadline - performance.now();
    if (left === Infinity) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(
        () => {
          this.cut ??= 'out of time';
          void this.whole?.stopped;
          resolve(undefined);
        },
        Math.max(0, left),
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A budget for a part of the work that may be left out: the same cancellation and slices, a
   * deadline `ms` from now at most. Running out of it does not cut this budget; a cancellation,
   * or this budget's own deadline, seen by the part cuts both.
   */
  atMost(ms: number): Budget {
    const left = Math.min(this.deadline - performance.now(), Number.isNaN(ms) ? 0 : ms);
    const part = new Budget({ ...this.options, timeoutMs: Math.max(0, left) });
    part.whole = this;
    return part;
  }

  /** The budget this one is a part of (`atMost`): it records a cancellation or its own deadline the part saw first. */
  private whole?: Budget;

  /** Yields to the event loop, then starts a new slice; false when the work must stop. */
  async pause(): Promise<boolean> {
    if (this.stopped) return false;
    const pause = this.options.pauseMs ?? 0;
    const pauseMs = typeof pause === 'function' ? pause() : pause;
    await new Promise<void>((resolve) => (pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));
    this.sliceEnd = performance.now() + this.sliceMs;
    return !this.stopped;
  }
}

/** Runs steps to their end within a budget: the value, or undefined when the budget stopped them. */
export async function runSteps<T>(steps: Steps<T>, budget: Budget): Promise<{ value: T } | undefined> {
  for (;;) {
    const next = steps.next();
    if (next.done) return { value: next.value };
    if (budget.due && !(await budget.pause())) return undefined;
  }
}

/** Runs steps to their end without pausing (the CLI, or a caller that has already prepared them). */
export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * A value computed in steps once: `get()` finishes it synchronously, `prepare(budget)` advances it
 * in slices. Progress is kept, so a request that ran out of time leaves less for the next one.
 */
export class SteppedValue<T> {
  private steps?: Steps<T>;
  private result?: { value: T };

  /** `stale` says when the value no longer belongs to the index it was started on. */
  constructor(
    private readonly make: () => Steps<T>,
    private readonly stale: () => boolean = () => false,
  ) {}

  get ready(): boolean {
    return this.result !== undefined;
  }

  /**
   * The value as steps of another computation in steps (`yield*` in its generator): it advances
   * this one, whose progress and value are kept for every other caller.
   */
  *within(): Steps<T> {
    for (;;) {
      if (this.result) return this.result.value;
      const next = (this.steps ??= this.make()).next();
      if (next.done) this.finish(next.value);
      else yield;
    }
  }

  /** The value, computed now if it is not ready. */
  get(): T {
    if (!this.result) this.finish(finishSteps((this.steps ??= this.make())));
    return this.result!.value;
  }

  /**
   * Keeps the value and lets the steps go: a finished generator still holds the variables of its
   * body (the rebuild model's per-package lists of who builds with whom: 8 MB on a 40,000-file domain).
   */
  private finish(value: T): void {
    this.result = { value };
    this.steps = undefined;
  }

  /**
   * Advances the computation within the budget; true once the value is ready, false when stopped or
   * stale. A budget already stopped takes no step (a hover that does not wait for the impact);
   * `runSteps` still takes one (a request's own steps, whose partial answer it returns).
   */
  async prepare(budget: Budget): Promise<boolean> {
    if (this.result) return true;
    if (budget.stopped) return false;
    const steps = (this.steps ??= this.make());
    for (;;) {
      // Another caller may have finished it while this one was paused.
      if (this.result) return true;
      if (this.stale()) return false;
      const next = steps.next();
      if (next.done) {
        this.finish(next.value);
        return true;
      }
      if (budget.due && !(await budget.pause())) return false;
    }
  }
}

/** What has an index whose structure moves on with edits (an analyzer). */
interface Structured {
  readonly index: { readonly structureGeneration: number };
}

/**
 * A value of each analyzer's index computed in steps once per structure generation: asked for
 * after an edit of the structure, a new one; the steps of the old one count as stale.
 */
export function perStructure<K extends Structured, T>(make: (of: K, generation: number) => Steps<T>): (of: K) => SteppedValue<T> {
  const values = new WeakMap<K, { generation: number; value: SteppedValue<T> }>();
  return (of) => {
    const generation = of.index.structureGeneration;
    const known = values.get(of);
    if (known?.generation === generation) return known.value;
    const value = new SteppedValue(
      () => make(of, generation),
      () => of.index.structureGeneration !== generation,
    );
    values.set(of, { generation, value });
    return value;
  };
}

/** Items a long loop in steps handles between two yields, unless it says otherwise: a few milliseconds of work. */
const STEP_ITEMS = 2000;

/** For a long loop in steps: true on every `n`th call, where the loop yields. */
export function everyNth(n = STEP_ITEMS): () => boolean {
  let done = 0;
  return () => ++done % n === 0;
}
