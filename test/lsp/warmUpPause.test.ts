// The warm-up yields to requests with timers of a few milliseconds while they come (one being worked
// on, or one that ended within the quiet spell, 100 ms in the server): a request's turns of the event
// loop then come before the next slice. After a quiet spell each yield is one turn of the loop, so the warm-up is
// not slowed for nobody. The budget asks its pause at each yield. Nothing here is timed: a request
// counts as recent within a minute here (never an upper bound the machine could miss), and a quiet
// spell of 100 ms is waited out (a lower bound).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget, runSteps, type Steps } from '../../server/src/analysis/budget';
import { RequestRunner, requestsRecently } from '../../server/src/lsp/requests';
import { WARM_UP_BUSY_PAUSE_MS, warmUpPause } from '../../server/src/lsp/indexing';
import type { Connection } from 'vscode-languageserver';
import { turnsDuring } from '../helpers';

/** A runner whose connection only takes log lines (all a runner sends on its own). */
function runner(errors: string[] = []): RequestRunner {
  const log = (m: string) => errors.push(m);
  return new RequestRunner({ console: { error: log, warn: log, info: log, log } } as unknown as Connection, () => 60_000);
}

const NOT_CANCELLED = { isCancellationRequested: false } as never;

/** Waits out the warm-up's quiet spell (100 ms) after the last request, with room to spare. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 250));

function* steps(n: number): Steps<number> {
  for (let i = 0; i < n; i++) yield;
  return n;
}

test('a request being worked on counts as coming, and for a moment after it ended, also one that failed', async () => {
  await quiet();
  assert.equal(requestsRecently(100), false);
  const errors: string[] = [];
  const run = runner(errors);
  let seen: boolean | undefined;
  const answer = await run.run('hover', NOT_CANCELLED, null, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    // However long the request has run: it is still being worked on.
    seen = requestsRecently(0);
    return 'card';
  });
  assert.equal(answer, 'card');
  assert.equal(seen, true);
  assert.equal(requestsRecently(0), false, 'the request is still counted as running');
  assert.equal(requestsRecently(60_000), true);
  await quiet();
  const failed = await run.run('definition', NOT_CANCELLED, 'fallback', async () => {
    throw new Error('boom');
  });
  assert.equal(failed, 'fallback');
  assert.equal(requestsRecently(0), false, 'a failed request is still counted as running');
  assert.equal(requestsRecently(60_000), true, 'a failed request does not count as one that came');
  assert.match(errors.join('\n'), /definition failed: Error: boom/);
});

test('the warm-up pauses with a timer while requests come, and for one turn after a quiet spell', async () => {
  await quiet();
  const pause = warmUpPause(0, 60_000);
  assert.equal(warmUpPause(0, 100)(), 0);
  let during = -1;
  await runner().run('hover', NOT_CANCELLED, null, async () => {
    during = pause();
    return null;
  });
  assert.equal(during, WARM_UP_BUSY_PAUSE_MS);
  assert.equal(pause(), WARM_UP_BUSY_PAUSE_MS, 'right after a request, the next may come');
  await quiet();
  assert.equal(warmUpPause(0, 100)(), 0, 'after a quiet spell');
  // NIX_DOMAINS_PAUSE_MS still slows it down (tests make long work visibly long with it).
  assert.equal(warmUpPause(30, 100)(), 30);
});

test('a budget asks its pause at each yield', async () => {
  let asked = 0;
  const budget = new Budget({
    sliceMs: 0,
    pauseMs: () => {
      asked++;
      return 0;
    },
  });
  // No pause: each yield is one turn of the loop.
  const quick = await turnsDuring(() => runSteps(steps(3), budget));
  assert.equal(quick.value?.value, 3);
  assert.ok(quick.turns <= 4, `three yields without a pause took ${quick.turns} turns of the event loop`);
  assert.equal(asked, 3);
});
