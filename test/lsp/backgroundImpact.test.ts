// The impact a hover left pending is prepared in the background, at most one such run at a time
// per session; a run that failed is not started again (nor logged again) by every hover that
// follows, only once the structure of the index changes. A session whose preparation always
// fails cannot be made from real files here, so this one is a stand-in: it has what
// `prepareHoverImpactInBackground` reads (the structure generation, the domain) and a `prepare`
// that counts its calls and fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver';
import type { DomainSession } from '../../server/src/analysis/session';
import { prepareHoverImpactInBackground } from '../../server/src/lsp/indexing';

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
    prepare: async () => {
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
