// The impact a hover left pending is prepared in the background, at most one such run at a time
// per session, after the warm-up when that runs (it may be past the impact, and an edit since may
// have changed the structure); a run that failed is not started again (nor logged again) by every
// hover that follows, only once the structure of the index changes. A session whose preparation
// always fails, or that holds its warm-up at a chosen point, cannot be made from real files here,
// so these are stand-ins: they have what the server's indexing and background work read of a
// session, and a `prepare` (or the hover's preparation) that records its calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver';
import type { DomainSession } from '../../server/src/analysis/session';
import { HOVER_NEEDS } from '../../server/src/analysis/session';
import { prepareHoverImpactInBackground, startIndexing } from '../../server/src/lsp/indexing';

/** Waits until `done()` holds, for at most `ms`; fails saying what did not happen. */
async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    assert.ok(Date.now() < deadline, `${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a background preparation of the impact that failed is tried again only once the structure changes', async () => {
  const errors: string[] = [];
  const connection = { console: { error: (m: string) => errors.push(m) } } as unknown as Connection;
  const index = { structureGeneration: 1, domain: 'core' };
  let calls = 0;
  const session = {
    analyzer: { index },
    prepareHoverImpact: async () => {
      calls++;
      throw new Error('boom');
    },
  } as unknown as DomainSession;

  prepareHoverImpactInBackground(connection, session);
  // A second hover while the first run is under way starts none.
  prepareHoverImpactInBackground(connection, session);
  await until(() => errors.length === 1, 'the failure logged');
  assert.match(errors[0]!, /Preparing the impact of domain core failed: Error: boom/);
  assert.equal(calls, 1);

  // Failed for this structure: the next hovers start nothing.
  prepareHoverImpactInBackground(connection, session);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(calls, 1, 'a failed preparation was started again for the same structure');

  // A new structure: tried again.
  index.structureGeneration = 2;
  prepareHoverImpactInBackground(connection, session);
  await until(() => errors.length === 2, 'the second failure logged');
  assert.equal(calls, 2);
});

test('a hover’s preparation of the impact waits for the warm-up under way, then runs', async () => {
  const logged: string[] = [];
  const log = (m: string) => logged.push(m);
  const connection = {
    console: { error: log, info: log },
    window: { createWorkDoneProgress: async () => undefined },
  } as unknown as Connection;
  const calls: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const index = { structureGeneration: 1, domain: 'core', files: new Map(), pendingCount: 0 };
  // The warm-up is held in its last part (the occurrences, after the impact).
  const prepare = async (_budget: unknown, needs: readonly string[]) => {
    calls.push(needs.join(','));
    if (needs.includes('occurrences')) await held;
    if (needs.includes('occurrences')) calls.push('occurrences done');
    return true;
  };
  const session = {
    analyzer: { index, indexing: false, ready: Promise.resolve(), indexAll: async () => undefined, catalog: { all: () => [] } },
    waves: async () => undefined,
    prepare,
    // As the session's own: without a wait, the hover's needs within the budget.
    prepareHoverImpact: (budget: unknown) => prepare(budget, HOVER_NEEDS),
  } as unknown as DomainSession;
  const hooks = { status: () => ({}) as never, setStatus: () => undefined, indexedOne: () => undefined };

  await startIndexing(connection, [Promise.resolve(session)], hooks);
  await until(() => calls.includes('occurrences'), 'the warm-up reaching the occurrences');
  prepareHoverImpactInBackground(connection, session);
  // Some turns of the event loop: the hover's preparation does not start beside the warm-up.
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls.includes(HOVER_NEEDS.join(',')), false, 'the hover’s preparation ran beside the warm-up');
  release();
  await until(() => calls.includes(HOVER_NEEDS.join(',')), 'the hover’s preparation after the warm-up');
  assert.deepEqual(calls.slice(-2), ['occurrences done', HOVER_NEEDS.join(',')]);
  assert.doesNotMatch(logged.join('\n'), /failed/);
});
