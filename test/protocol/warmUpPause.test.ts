// The warm-up yields to requests with timers only while one is being worked on: with nothing to
// answer, each yield is one turn of the event loop, so the warm-up is not slowed for nobody.
// The budget asks its pause at each yield and pauses that long. Nothing here is timed: which kind
// of yield ran is seen from a chain of setImmediate callbacks (one per turn of the loop).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget, runSteps, type Steps } from '../../server/src/analysis/budget';
import { RequestRunner, requestsRunning } from '../../server/src/lsp/requests';
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

test('the warm-up pauses with a timer while a request runs, and for one turn otherwise', async () => {
  const pause = warmUpPause(0);
  assert.equal(pause(), 0);
  let during = -1;
  await runner().run('hover', { isCancellationRequested: false } as never, null, async () => {
    during = pause();
    return null;
  });
  assert.equal(during, 1);
  assert.equal(pause(), 0);
  // NIX_DOMAINS_PAUSE_MS still slows it down (tests make long work visibly long with it).
  assert.equal(warmUpPause(30)(), 30);
});

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
