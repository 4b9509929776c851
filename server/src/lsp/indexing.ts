import type { Connection } from 'vscode-languageserver';
import { Budget } from '../analysis/budget';
import { HOVER_NEEDS, type DomainSession } from '../analysis/session';
import { limitHeapGrowth } from './heapGrowth';
import { pacing, requestsRecently } from './requests';
import type { ServerStatus } from '../../../shared/protocol';

export interface IndexingHooks {
  status(): ServerStatus;
  setStatus(status: ServerStatus): void;
  /** A domain finished indexing: diagnostics of open documents can be published in full. */
  indexedOne(): void;
}

/**
 * Indexes every domain in the background with progress in the client, then builds the
 * whole-domain maps requests need (packages, dependants, names, references, the dependency
 * graph) in slices, so the first requests find them ready and none waits behind them.
 * Resolves when every domain is indexed (tests await it); failures are logged and shown.
 */
export function startIndexing(connection: Connection, sessions: Promise<DomainSession>[], hooks: IndexingHooks): Promise<void> {
  const jobs = sessions.map(async (pending) => {
    const session = await pending;
    const { analyzer } = session;
    const started = Date.now();
    // Started before anything else is awaited: a request on this session (its continuation runs
    // after this one) finds indexing under way and waits for the files read first.
    let progress: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined;
    // The index cache is written once the status says the domain is indexed (the warm-up's first
    // step): packed on this thread before it, the cache held that status back by about 0.8 s of a
    // cold start on the generated 40,000-file core (docs/performance.md).
    let statusSent!: () => void;
    const saveAfter = new Promise<void>((resolve) => (statusSent = resolve));
    cachesWaiting.add(statusSent);
    void saveAfter.then(() => cachesWaiting.delete(statusSent));
    // The branches that status shows are read once half the domain is in, while the rest is read
    // (by then the first answers are out): the status then costs a few stat calls, not git processes.
    let branchesRead = false;
    const indexing = analyzer.indexAll(({ done, total }) => {
      progress?.report(Math.round((done / Math.max(1, total)) * 100), `${done}/${total} files`);
      hooks.setStatus({ domain: analyzer.index.domain, indexing: { done, total }, files: done, packages: 0 });
      if (!branchesRead && done * 2 >= total && total > 0) {
        branchesRead = true;
        void session
          .waves()
          .then((waves) => waves?.status())
          .catch(() => undefined);
      }
    }, saveAfter);
    hooks.setStatus({ domain: analyzer.index.domain, indexing: { done: 0, total: 0 }, files: 0, packages: 0 });
    progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('Indexing Nix domain', 0, analyzer.index.domain, false);
    void analyzer.ready.then(() => {
      if (!analyzer.indexing) return;
      connection.console.info(
        `Domain ${analyzer.index.domain}: the files read first are in after ${Date.now() - started} ms ` +
          `(${analyzer.index.files.size} of ${analyzer.index.files.size + analyzer.index.pendingCount}); answering from the partial index until the rest is read`,
      );
    });
    try {
      await indexing;
    } catch (err) {
      // A run that failed after its files were in still writes what it read.
      statusSent();
      throw err;
    } finally {
      // What is live now is what the server holds: from here the heap grows at most a little past it.
      limitHeapGrowth();
      // Also when the run failed: the client's progress would otherwise spin on.
      progress?.done();
    }
    connection.console.info(`Indexed domain ${analyzer.index.domain}: ${analyzer.index.files.size} files in ${Date.now() - started} ms`);
    hooks.indexedOne();
    // Not awaited by `indexed`: requests are answered while it runs, each preparing what it needs.
    // NIX_DOMAINS_WARMUP=0 leaves everything to the requests (tests of the requests' own preparation).
    if (process.env.NIX_DOMAINS_WARMUP !== '0')
      inBackground(connection, session, `Preparing domain ${analyzer.index.domain}`, false, (budget) =>
        warmUp(connection, session, hooks, budget, statusSent),
      );
    else {
      hooks.setStatus(readyStatus(session, hooks.status()));
      statusSent();
    }
  });
  return Promise.all(jobs).then(
    () => undefined,
    (err) => {
      const message = err instanceof Error ? err.message : String(err);
      connection.console.error(`Indexing failed: ${err instanceof Error ? err.stack : message}`);
      hooks.setStatus({ ...hooks.status(), indexing: null, error: `Indexing failed: ${message}` });
    },
  );
}

/** How to let each index cache still waiting for its domain's status be written now. */
const cachesWaiting = new Set<() => void>();

/**
 * On shutdown: the index caches still waiting for their domain's status are written now, and this
 * resolves once they are, or after `ms` (a client gives a server a little time to shut down: VS
 * Code 2 s). A user who closes the editor just after a cold index keeps what it read.
 */
export async function saveIndexCaches(sessions: Iterable<Promise<DomainSession>>, ms: number): Promise<void> {
  for (const release of [...cachesWaiting]) release();
  const writes = (await Promise.all(sessions)).map((s) => s.analyzer.lastIndex?.cacheSaved);
  await new Budget({ timeoutMs: ms }).race(Promise.allSettled(writes));
}

/** The status once a domain is indexed (the package count is filled in once the catalog is built). */
function readyStatus(session: DomainSession, previous: ServerStatus): ServerStatus {
  const { analyzer } = session;
  return { ...previous, domain: analyzer.index.domain, indexing: null, files: analyzer.index.files.size, packages: previous.packages };
}

/**
 * The warm-up works at most this long between two yields (requests: 8 ms). A request that arrives
 * during a slice waits for its end; a step done in one piece makes it wait longer.
 */
const WARM_UP_SLICE_MS = 2;

/**
 * While requests come, each yield of the warm-up is a timer this long, not a turn of the event loop:
 * a request that arrives meanwhile then takes all its turns of the loop before the next slice,
 * instead of one turn per slice, and the next request of a burst mostly comes before it too. With a
 * 1 ms timer (and 4 ms slices), the bench's hovers of the seconds after the index took 4.8 ms at the
 * median once they no longer waited for the impact; with this one and 2 ms slices, 0.5–0.8 ms
 * (docs/performance.md).
 */
export const WARM_UP_BUSY_PAUSE_MS = 5;

/** Requests count as coming for this long after the last one ended (a burst of hovers, typing). */
const WARM_UP_QUIET_MS = 100;

/**
 * How long each of the warm-up's yields lasts: a timer of `WARM_UP_BUSY_PAUSE_MS` while a request
 * is being worked on or one ended within the last `quietMs`; else one turn of the event loop (the
 * first request after a quiet spell then waits for one slice more). With nothing to answer, timers
 * (1 ms then, with 4 ms slices) made the generated core's warm-up take about a third longer (three
 * cold starts each, alternating: 8.9–9.5 s against 6.2–7.8 s). Yielding by turns of the loop also between requests,
 * or waiting for them to end instead of the timers, made hovers during the warm-up slower
 * (docs/performance.md).
 */
export function warmUpPause(pauseMs: number, quietMs = WARM_UP_QUIET_MS): () => number {
  return () => (requestsRecently(quietMs) ? Math.max(pauseMs, WARM_UP_BUSY_PAUSE_MS) : pauseMs);
}

/** A budget for work in the background: short slices, paced while requests come (`warmUpPause`). */
function backgroundBudget(): Budget {
  const paced = pacing();
  return new Budget({ ...paced, sliceMs: Math.min(paced.sliceMs, WARM_UP_SLICE_MS), pauseMs: warmUpPause(paced.pauseMs) });
}

/**
 * Per session, the last work started in the background (the warm-up, or a preparation a hover
 * asked for), until it ends; `hover` when that is a hover's preparation.
 */
const background = new WeakMap<DomainSession, { running: Promise<void>; hover: boolean }>();

/**
 * Runs `work` in the background for a session once what runs there already has ended, from a turn
 * of the event loop of its own (not within the request that asked for it); a failure is logged.
 */
function inBackground(
  connection: Connection,
  session: DomainSession,
  what: string,
  hover: boolean,
  work: (budget: Budget) => Promise<unknown>,
): void {
  const before = background.get(session)?.running ?? Promise.resolve();
  const running: Promise<void> = before
    .then(() => new Promise((resolve) => setImmediate(resolve)))
    .then(() => work(backgroundBudget()))
    .then(
      () => undefined,
      (err: unknown) => connection.console.error(`${what} failed: ${err instanceof Error ? err.stack : String(err)}`),
    )
    .finally(() => {
      if (background.get(session)?.running === running) background.delete(session);
    });
  background.set(session, { running, hover });
}

/**
 * A package's hover answered without its impact: prepares the impact in the background, paced as
 * the warm-up, unless a hover's preparation is already running or about to; after the warm-up when
 * that runs (it may be past the impact, and an edit since may have changed the structure). The
 * hovers that follow do not wait for it (`DomainSession.prepareHoverImpact`): this is what makes it
 * come once such a wait has run out, with the warm-up over or turned off.
 */
export function prepareHoverImpactInBackground(connection: Connection, session: DomainSession): void {
  const generation = session.analyzer.index.structureGeneration;
  if (background.get(session)?.hover || failedFor.get(session) === generation) return;
  inBackground(connection, session, `Preparing the impact of domain ${session.analyzer.index.domain}`, true, async (budget) => {
    try {
      await session.prepareHoverImpact(budget);
    } catch (err) {
      failedFor.set(session, generation);
      throw err;
    }
  });
}

/**
 * Per session, the structure generation whose impact failed to be prepared in the background: not
 * tried again (and logged again) on every hover, only once the structure changes.
 */
const failedFor = new WeakMap<DomainSession, number>();

/** The warm-up; `statusSent` is called once the status says the domain is indexed (or that step failed). */
async function warmUp(
  connection: Connection,
  session: DomainSession,
  hooks: IndexingHooks,
  budget: Budget,
  statusSent: () => void,
): Promise<void> {
  const { analyzer } = session;
  const started = Date.now();
  try {
    await session.prepare(budget, ['packages']);
    const wave = await (await session.waves())?.status().catch(() => undefined);
    hooks.setStatus({ ...readyStatus(session, hooks.status()), packages: analyzer.catalog.all().length, ...(wave ? { wave } : {}) });
  } finally {
    statusSent();
  }
  // The graphs, the rebuild model and what its queries and the Waves section read (what a package's
  // hover waits for), then the occurrences references read.
  await session.prepare(budget, ['dependants', ...HOVER_NEEDS]);
  await session.prepare(budget, ['occurrences']);
  const levels = (await session.waves()) ? " and the waves' levels" : '';
  connection.console.info(
    `Domain ${analyzer.index.domain}: packages, dependants, references, the dependency graph, the rebuild model${levels} ready in ${Date.now() - started} ms`,
  );
}
