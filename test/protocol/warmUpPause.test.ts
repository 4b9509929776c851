// The warm-up yields to requests: while one is being worked on, it waits for it to be done (at most
// a bound), and goes on only after the answer; with nothing to answer, it waits for what is queued on
// the event loop (a request the library read meanwhile starts first, and is then waited for). The
// budget asks its pause at each yield. Nothing here is timed: what is checked is order, and the
// waits that end the tests have bounds far beyond what they wait for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget, runSteps, type Steps } from '../../server/src/analysis/budget';
import { RequestRunner, requestsDone, requestsRunning } from '../../server/src/lsp/requests';
import { warmUpPause } from '../../server/src/lsp/indexing';
import type { Connection } from 'vscode-languageserver';
import { turnsDuring, within } from '../helpers';

/** A runner whose connection only takes log lines (all a runner sends on its own). */
function runner(errors: string[] = []): RequestRunner {
  const log = (m: string) => errors.push(m);
  return new RequestRunner({ console: { error: log, warn: log, info: log, log } } as unknown as Connection, () => 60_000);
}

const NOT_CANCELLED = { isCancellationRequested: false } as never;

/** A request held until `release()`: what a hover waiting on something looks like to the runner. */
function heldRequest(work: () => void = () => undefined): { answered: Promise<string | null>; release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const answered = runner().run('hover', NOT_CANCELLED, null, async () => {
    work();
    await held;
    return 'card';
  });
  return { answered, release };
}

/** Lets the event loop turn `n` times. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
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
  const answer = await run.run('hover', NOT_CANCELLED, null, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    seen = requestsRunning();
    return 'card';
  });
  assert.equal(answer, 'card');
  assert.equal(seen, 1);
  assert.equal(requestsRunning(), 0);
  const failed = await run.run('definition', NOT_CANCELLED, 'fallback', async () => {
    throw new Error('boom');
  });
  assert.equal(failed, 'fallback');
  assert.equal(requestsRunning(), 0, 'a failed request is still counted');
  assert.match(errors.join('\n'), /definition failed: Error: boom/);
});

test('the wait for the requests settles after the last answer, not before', async () => {
  let waited: Promise<void> | undefined;
  let settled = false;
  // A wait far longer than the test: only the end of the request can settle it.
  const { answered, release } = heldRequest(() => {
    waited = requestsDone(600_000).then(() => {
      settled = true;
    });
  });
  try {
    await turns(20);
    assert.equal(settled, false, 'the wait settled while the request was being worked on');
  } finally {
    release();
  }
  assert.equal(await answered, 'card');
  assert.equal(settled, false, 'the wait settled before the answer was handed back');
  await within(waited!, 'the end of the wait after the request ended', 10_000);
  assert.equal(requestsRunning(), 0);
});

test('the wait for the requests ends after its longest wait, a request still running', async () => {
  const { answered, release } = heldRequest();
  try {
    await within(requestsDone(20), 'the end of a wait of at most 20 ms', 10_000);
    assert.equal(requestsRunning(), 1);
  } finally {
    release();
  }
  await answered;
  assert.equal(requestsRunning(), 0);
});

test('the warm-up waits for a request being worked on; with none, for what is queued on the event loop', async () => {
  const pause = warmUpPause(0);
  // Nothing running: it waits for what is queued now (a request's handler the library queued).
  const order: string[] = [];
  const idle = pause();
  assert.ok(idle instanceof Promise);
  setImmediate(() => order.push('queued'));
  await within(idle, 'the end of an idle pause', 10_000);
  order.push('pause over');
  assert.deepEqual(order, ['queued', 'pause over']);
  // A request that starts meanwhile is waited for, to its end.
  let settled = false;
  const waiting = (pause() as Promise<void>).then(() => {
    settled = true;
  });
  const { answered, release } = heldRequest();
  try {
    await turns(5);
    assert.equal(requestsRunning(), 1);
    assert.equal(settled, false, 'the warm-up went on while a request that came meanwhile was being worked on');
  } finally {
    release();
  }
  await answered;
  await within(waiting, 'the end of the warm-up’s pause after the request', 10_000);
  // Running: a promise to wait for. NIX_DOMAINS_PAUSE_MS still slows it down when idle.
  const { answered: second, release: releaseSecond } = heldRequest(() => {
    assert.ok(pause() instanceof Promise);
  });
  releaseSecond();
  await second;
  assert.equal(warmUpPause(30)(), 30);
});

test('a budget asks its pause at each yield', async () => {
  const asked: number[] = [];
  const budget = new Budget({
    sliceMs: 0,
    pauseMs: () => {
      asked.push(0);
      return 0;
    },
  });
  // No pause: each yield is one turn of the loop.
  const quick = await turnsDuring(() => runSteps(steps(3), budget));
  assert.equal(quick.value?.value, 3);
  assert.ok(quick.turns <= 4, `three yields without a pause took ${quick.turns} turns of the event loop`);
  assert.equal(asked.length, 3);
});

test('a budget whose pause is a promise waits for it before the next step', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let done = 0;
  function* counted(): Steps<number> {
    done++;
    yield;
    done++;
    return done;
  }
  const run = runSteps(counted(), new Budget({ sliceMs: 0, pauseMs: () => held }));
  await turns(20);
  assert.equal(done, 1, 'the step after the yield ran before the pause was over');
  release();
  assert.equal((await run)?.value, 2);
});
