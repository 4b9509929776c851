// The levels of a large graph are worked out in steps (the warm-up prepares them in slices, so that
// no hover computes them in one piece), and are the levels the graph must get; a change of the graph
// while they are being prepared makes those steps stale, and the next levels are the new graph's.
// Nothing is timed: what is checked is how many turns of the event loop the work gave, and the levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget } from '../../server/src/analysis/budget';
import { DependencyGraph } from '../../server/src/analysis/waves';
import { turnsDuring } from '../helpers';

/** A chain p0 ← p1 ← … of n packages, with a cycle of two (c1, c2) on top of it and one package above the cycle. */
function chain(n: number): Record<string, string[]> {
  const deps: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) deps[`p${i}`] = i > 0 ? [`p${i - 1}`] : [];
  deps.c1 = [`p${n - 1}`, 'c2'];
  deps.c2 = ['c1'];
  deps.top = ['c2'];
  return deps;
}

test('levels prepared in steps yield within the work and are the levels of the graph', async () => {
  const graph = DependencyGraph.fromDependencies(chain(10_000));
  const value = graph.levelsValue();
  assert.equal(value.ready, false);
  const { value: ready, turns } = await turnsDuring(() => value.prepare(new Budget({ sliceMs: 0 })));
  assert.equal(ready, true);
  // A yield every 2,000 edges walked and components levelled: 10,003 nodes give several.
  assert.ok(turns >= 5, `the levels gave ${turns} turns of the event loop`);
  const levels = graph.levels();
  assert.equal(graph.levelsValue(), value, 'the prepared value is the one the graph answers from');
  assert.equal(levels.levelOf('p0'), 0);
  assert.equal(levels.levelOf('p9999'), 9999);
  assert.equal(levels.levelOf('c1'), 10_000);
  assert.equal(levels.levelOf('c2'), 10_000);
  assert.equal(levels.levelOf('top'), 10_001);
  assert.equal(levels.maxLevel, 10_001);
  assert.equal(levels.components.members.length, 10_002, 'the cycle is one component');
  assert.deepEqual(levels.indicesByLevel[10_000]!.map((i) => graph.idAt(i)).sort(), ['c1', 'c2']);
});

test('a change of the graph while its levels are prepared makes those steps stale; the next levels are the new graph’s', async () => {
  const graph = DependencyGraph.fromDependencies(chain(10_000));
  const value = graph.levelsValue();
  const budget = new Budget({ sliceMs: 0 });
  const preparing = value.prepare(budget);
  // The first slice has run; the graph changes before the next one.
  graph.addDependency('p0', 'top');
  assert.equal(await preparing, false, 'steps over the old graph went on');
  const after = graph.levels();
  // Now p0 depends on top, which depends on the whole chain: one cycle of everything.
  assert.notEqual(graph.levelsValue(), value);
  assert.equal(after.maxLevel, 0);
  assert.equal(after.components.members.length, 1);
});
