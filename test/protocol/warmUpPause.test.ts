// The warm-up yields to requests: while one is being worked on, it waits for it to be done (at most
// a bound), and goes on only after the answer; with nothing to answer, each yield is one turn of the
// event loop, so the warm-up is not slowed for nobody. The budget asks its pause at each yield. Nothing here is timed: which kind
// of yield ran is seen from a chain of setImmediate callbacks (one per turn of the loop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget, runSteps, type Steps } from '../../server/src/analysis/budget';
import { RequestRunner, requestsDone, requestsRunning } from '../../server/src/lsp/requests';
import { warmUpPause } from '../../server/src/lsp/indexing';
import type { Connection } from 'vscode-languageserver';

/** A runner whose connection only takes log lines (all a runner sends on its own). */
function runner(errors: string[] = []): RequestRunner {
  const log = (m: string) => errors.push(m);
  return new RequestRunner({ console: { error: log, warn: log, info: log, log } } as unknown as Connection, () => 60_000);
}

/** How many turns of the event loop a promise takes to settle (counted by a chain of setImmediate). */
async function turnsOf(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const tick = () => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work;
  done = true;
  return turns;
}

function* steps(n: number): Steps<number> {
  for (let i = 0; i < n; i++) yield;
  return n;
}

test('requests being worked on are counted, also one that fails', async () => {
  const errors: string[] = [];
  const run = runner(errors);
  assert.equal(requestsRunning(), 0);
  let seen = -1;
  const answer = await run.run('hover', { isCancellationRequested: false } as never, null, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    seen = requestsRunning();
    return 'card';
  });
  assert.equal(answer, 'card');
  assert.equal(seen, 1);
  assert.equal(requestsRunning(), 0);
  const failed = await run.run('definition', { isCancellationRequested: false } as never, 'fallback', async () => {
    throw new Error('boom');
  });
  assert.equal(failed, 'fallback');
  assert.equal(requestsRunning(), 0, 'a failed request is still counted');
  assert.match(errors.join('\n'), /definition failed: Error: boom/);
});

test('while a request runs, the warm-up waits for it to be done, and after its answer', async () => {
  const pause = warmUpPause(0);
  assert.equal(pause(), 0, 'with nothing to answer, one turn of the event loop');
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let waited: Promise<void> | undefined;
  let settled = false;
  const answered = runner().run('hover', { isCancellationRequested: false } as never, null, async () => {
    const wait = pause();
    assert.ok(wait instanceof Promise, 'a request is being worked on: a promise to wait for');
    waited = wait.then(() => {
      settled = true;
    });
    await held;
    return 'card';
  });
  // Many turns of the event loop while the request is still being worked on: the warm-up still waits.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'the warm-up went on while the request was being worked on');
  release();
  assert.equal(await answered, 'card');
  assert.equal(settled, false, 'the warm-up went on before the answer was handed back');
  await bounded(waited!, 'the warm-up still waits after the request ended');
  assert.equal(settled, true);
  // NIX_DOMAINS_PAUSE_MS still slows it down when idle (tests make long work visibly long with it).
  assert.equal(warmUpPause(30)(), 30);
});

test('the wait for the requests ends after its longest wait, a request still running', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const answered = runner().run('references', { isCancellationRequested: false } as never, null, async () => {
    await held;
    return [];
  });
  await bounded(requestsDone(20), 'a wait of at most 20 ms went on');
  assert.equal(requestsRunning(), 1);
  release();
  await answered;
  assert.equal(requestsRunning(), 0);
});

/** Waits for a promise, failing with `what` if it has not settled within 10 s. */
async function bounded(work: Promise<unknown>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (10 s)`)), 10_000);
  });
  try {
    await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

test('a budget asks its pause at each yield and pauses that long', async () => {
  const asked: number[] = [];
  let next = 0;
  const budget = new Budget({
    sliceMs: 0,
    pauseMs: () => {
      asked.push(next);
      return next;
    },
  });
  // No pause: each yield is one turn of the loop.
  const quick = await turnsOf(runSteps(steps(3), budget).then((r) => assert.equal(r?.value, 3)));
  assert.ok(quick <= 4, `three yields without a pause took ${quick} turns of the event loop`);
  assert.equal(asked.length, 3);
  // A pause of 200 ms lets the loop turn many times (the chain keeps it from sleeping) before the next step.
  next = 200;
  const turns = await turnsOf(runSteps(steps(1), budget));
  assert.ok(turns > 50, `a pause of 200 ms took ${turns} turns of the event loop`);
  assert.deepEqual(asked, [0, 0, 0, 200]);
});

test('a budget whose pause is a promise waits for it before the next step', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let steps = 0;
  function* counted(): Steps<number> {
    steps++;
    yield;
    steps++;
    return steps;
  }
  const run = runSteps(counted(), new Budget({ sliceMs: 0, pauseMs: () => held }));
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(steps, 1, 'the step after the yield ran before the pause was over');
  release();
  assert.equal((await run)?.value, 2);
});
