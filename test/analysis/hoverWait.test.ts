// A hover on a package whose impact is still being worked out (the dependency graph and the rebuild
// model of a large domain) waits for it a moment, not its whole budget: past the wait the card
// comes without the impact, saying so, and hovering again once the model is ready shows it. The
// part left out does not cut the request's own budget, but a cancellation seen during it does.
// Once a wait ran out, the hovers that follow answer at once (the server prepares the impact in the
// background), until the structure of the index changes.
// Nothing here is timed: a wait of 0 ms leaves the graph unbuilt, one without a limit waits for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget } from '../../server/src/analysis/budget';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { chainedPackages, situation, TOP } from './inline';

const STILL = /Impact and waves are still being computed/;
const IMPACT = /\*\*Impact:\*\* changing it rebuilds 3,001 packages/;

/**
 * A hover on a package cancelled during its wait for the impact: what comes before the wait is
 * ready, so the hover's first turn of the event loop is in the wait, and the cancellation comes then.
 */
async function cancelledInWait() {
  const { session, file, pos } = await situation(chainedPackages(3000));
  assert.equal(await session.prepare(new Budget(), ['packages', 'dependants']), true);
  const token = { isCancellationRequested: false };
  setImmediate(() => {
    token.isCancellationRequested = true;
  });
  const budget = new Budget({ token, timeoutMs: 60_000, sliceMs: 0 });
  const card = await hoverAcross(session, file, pos, budget, { impactWaitMs: 60_000 });
  return { session, file, pos, budget, card };
}

test('a hover on a package whose impact is not ready comes after its short wait without it, and with it once ready', async () => {
  const { session, file, pos } = await situation(chainedPackages(3000));
  // A wait of 0 ms takes no step of the preparation, whatever the machine.
  const budget = new Budget({ timeoutMs: 60_000, sliceMs: 0 });
  const soon = await hoverAcross(session, file, pos, budget, { impactWaitMs: 0 });
  assert.ok(soon, 'no card');
  assert.match(soon.markdown, /\*\*p0\*\*/);
  assert.match(soon.markdown, STILL);
  assert.doesNotMatch(soon.markdown, IMPACT);
  assert.equal(budget.cut, undefined, 'the part left out cut the request');
  // Without a wait of its own, the hover waits within its budget: the graph and the model are made.
  const later = await hoverAcross(session, file, pos, new Budget({ timeoutMs: 60_000 }));
  assert.match(later!.markdown, IMPACT);
  // Ready now: the short wait is no longer needed.
  const again = await hoverAcross(session, file, pos, new Budget({ timeoutMs: 60_000 }), { impactWaitMs: 0 });
  assert.match(again!.markdown, IMPACT);
});

test('once a wait for the impact ran out, the next hovers do not wait, until the structure changes', async () => {
  const { session, file, pos } = await situation(chainedPackages(3000));
  const { analyzer } = session;
  const hoverWaiting = (ms: number) => hoverAcross(session, file, pos, new Budget({ timeoutMs: 60_000, sliceMs: 0 }), { impactWaitMs: ms });
  // A wait of 0 ms runs out at once.
  assert.match((await hoverWaiting(0))!.markdown, STILL);
  // A minute would be enough to make the impact: this hover does not wait for it.
  const next = await hoverWaiting(60_000);
  assert.match(next!.markdown, STILL);
  assert.equal(next!.impactPending, true, 'the server is not told to prepare the impact in the background');
  // An edit of the structure: the next hover waits again, and its minute makes the impact.
  const before = analyzer.index.structureGeneration;
  analyzer.openDocument(TOP, chainedPackages(3001)[TOP]!, 1000);
  assert.notEqual(analyzer.index.structureGeneration, before, 'the edit did not change the structure');
  const after = await hoverWaiting(60_000);
  assert.match(after!.markdown, /\*\*Impact:\*\* changing it rebuilds 3,002 packages/);
  assert.equal(after!.impactPending, undefined);
});

test('a wait cut by the request itself (cancelled) does not count as run out: the next hover waits', async () => {
  const { session, file, pos, card: cut } = await cancelledInWait();
  assert.match(cut!.markdown, STILL);
  const next = await hoverAcross(session, file, pos, new Budget({ timeoutMs: 60_000 }), { impactWaitMs: 60_000 });
  assert.match(next!.markdown, IMPACT);
});

test('a hover cancelled during its wait for the impact is recorded as cancelled', async () => {
  const { budget } = await cancelledInWait();
  assert.equal(budget.cut, 'cancelled', 'the request would answer instead of RequestCancelled');
});

test('a part of the work with a shorter deadline stops there, and leaves the request going', async () => {
  const budget = new Budget({ timeoutMs: 60_000 });
  const part = budget.atMost(0);
  assert.equal(part.stopped, true);
  assert.equal(part.cut, 'out of time');
  assert.equal(budget.stopped, false);
  // Due at once: work checks `due` before more, and stops there.
  assert.equal(part.due, true);
  assert.equal(budget.atMost(Number.NaN).stopped, true);
  // Never past the request's own deadline.
  assert.equal(new Budget({ timeoutMs: 0 }).atMost(60_000).stopped, true);
  // The client's cancellation reaches the part too.
  const token = { isCancellationRequested: false };
  const cancellable = new Budget({ token, timeoutMs: 60_000 }).atMost(60_000);
  token.isCancellationRequested = true;
  assert.equal(cancellable.stopped, true);
  assert.equal(cancellable.cut, 'cancelled');
});
