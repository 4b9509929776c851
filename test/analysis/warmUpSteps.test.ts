// The whole-domain work a warm-up does after indexing yields within its pieces, so a request sent
// meanwhile is answered between them: the dependency graph's build (40,000 nodes took a third of a
// second in one piece on the generated core) and the top-level attributes the rebuild model's
// queries read (a quarter of a second), which preparing the rebuild model now works out ahead of
// the first hover. What is checked is structure, never time: how many turns of the event loop the
// work gave, whether a value was ready, and that the values are those computed in one piece.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget } from '../../server/src/analysis/budget';
import { prepareTopLevelAttributes, topLevelAttributes } from '../../server/src/analysis/impact/attributes';
import { RebuildModel, rebuildImpact } from '../../server/src/analysis/impact/closure';
import { prepareRebuildModel } from '../../server/src/analysis/impact/failures';
import { prepareDomainGraph } from '../../server/src/analysis/dependencyGraph';
import { DependencyGraph } from '../../server/src/analysis/waves/graph';
import { turnsDuring } from '../helpers';
import { chainedPackages, situation, TOP } from './inline';

test('a graph built in steps yields every 2,000 nodes and is the graph built in one piece', () => {
  const deps = new Map<string, string[]>();
  for (let i = 0; i < 5001; i++) deps.set(`core:p${i}`, i > 0 ? [`core:p${i - 1}`, 'core:outside'] : []);
  const steps = DependencyGraph.fromDependenciesSteps(deps);
  let yields = 0;
  let next = steps.next();
  for (; !next.done; next = steps.next()) yields++;
  // Two yields in each of the three passes (nodes, edges, trimming) over 5,001 nodes.
  assert.equal(yields, 6);
  const whole = DependencyGraph.fromDependencies(deps);
  assert.equal(next.value.size, whole.size);
  assert.equal(next.value.edgeCount, whole.edgeCount);
  assert.equal(next.value.edgeCount, 5000, 'the edge to what is outside the graph is dropped');
  assert.deepEqual(next.value.dependenciesOf('core:p4000'), whole.dependenciesOf('core:p4000'));
});

test('preparing the rebuild model of a large domain works out the attributes its queries read, which the first query then reuses', async () => {
  const { session } = await situation(chainedPackages(4000));
  const { analyzer } = session;
  // Yield after every step, as a budget does once its slice is used.
  const budget = () => new Budget({ sliceMs: 0 });
  // Already out of time: true only when the attributes are ready (they take more than one step here).
  const readyNow = () => prepareTopLevelAttributes(analyzer, new Budget({ sliceMs: 0, timeoutMs: 0 }));
  assert.equal(await readyNow(), false);
  const graph = await turnsDuring(() => prepareDomainGraph(analyzer, budget()));
  assert.equal(graph.value, true);
  // One step per package at least (4,001 of them), in the passes that were already stepped.
  assert.ok(graph.turns > 4000, `graph: ${graph.turns} turns`);
  assert.equal(await prepareRebuildModel(analyzer, budget()), true);
  assert.equal(await readyNow(), true, 'the rebuild model was prepared without its top-level attributes');
  const attributes = topLevelAttributes(analyzer);
  assert.equal(attributes.byPackage.size, 4001);
  RebuildModel.of(analyzer).prepareQueries();
  const p0 = analyzer.catalog.all().find((p) => p.attrPath === 'p0')!;
  // p0 rebuilds itself, every p after it and hello.
  assert.equal(rebuildImpact(analyzer, p0).domains[0]!.count, 4001);
  assert.equal(topLevelAttributes(analyzer), attributes, 'the query worked the attributes out again');
});

test('attributes being worked out in steps when the structure changes are worked out again for the new one', async () => {
  const { session } = await situation(chainedPackages(4000));
  const { analyzer } = session;
  const preparing = prepareTopLevelAttributes(analyzer, new Budget({ sliceMs: 0 }));
  // After the first step: a binding more.
  await new Promise((resolve) => setImmediate(resolve));
  const text = analyzer.openDocumentFor(TOP)!.text.replace('\n}', '\n  extra = callPackage ../pkg.nix { };\n}');
  analyzer.openDocument(TOP, text, 100);
  assert.equal(await preparing, false, 'the attributes of the old structure were given as ready');
  assert.ok([...topLevelAttributes(analyzer).byPackage.values()].some((names) => names.includes('extra')));
});

test('top-level attributes worked out in steps are those worked out at once, and follow an edit of the structure', async () => {
  const stepped = await situation(chainedPackages(2500));
  const whole = await situation(chainedPackages(2500));
  const { value: ready, turns } = await turnsDuring(() => prepareTopLevelAttributes(stepped.session.analyzer, new Budget({ sliceMs: 0 })));
  assert.equal(ready, true);
  assert.ok(turns >= 2, `${turns} turns for 2,500 bindings`);
  const a = topLevelAttributes(stepped.session.analyzer);
  // Asked at once: worked out in one piece.
  const b = topLevelAttributes(whole.session.analyzer);
  assert.deepEqual([...a.byPackage].sort(), [...b.byPackage].sort());
  assert.deepEqual(a.stdenvs, b.stdenvs);
  assert.deepEqual([...a.variants.keys()].sort(), [...b.variants.keys()].sort());
  assert.deepEqual([...a.stdenvCompilers.keys()].sort(), [...b.stdenvCompilers.keys()].sort());
  assert.deepEqual([...a.functions].sort(), [...b.functions].sort());
  assert.deepEqual([...a.refused].sort(), [...b.refused].sort());
  // A binding more: another structure, other attributes.
  const text = stepped.session.analyzer.openDocumentFor(TOP)!.text.replace('\n}', '\n  extra = callPackage ../pkg.nix { };\n}');
  stepped.session.analyzer.openDocument(TOP, text, 100);
  const after = topLevelAttributes(stepped.session.analyzer);
  assert.notEqual(after, a);
  assert.ok([...after.byPackage.values()].some((names) => names.includes('extra')));
});
