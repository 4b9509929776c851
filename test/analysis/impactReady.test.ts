// What a package's hover reads of the whole domain is made while it waits for the impact (the
// session's 'impact' need), not by the hover itself after its wait: the rebuild model, the sorted
// (name, node) pairs its queries keep (one piece each, 0.07 s each on the generated core) and the
// levels of the waves' graph (in slices; 0.056 s in one piece). A hover that got there before the
// warm-up did all of them itself, in one piece, after its wait.
// Nothing is timed: what is checked is what is ready once the wait says the graphs are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget } from '../../server/src/analysis/budget';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { RebuildModel } from '../../server/src/analysis/impact/closure';
import { DomainSession, HOVER_NEEDS } from '../../server/src/analysis/session';
import { chainedPackages, situation, TOP } from './inline';

test('the wait for the impact makes the rebuild model, its sorted names and the waves’ levels', async () => {
  const { session: untrusted, file, pos } = await situation(chainedPackages(3000));
  // Waves read git branches: only in a trusted workspace (this folder is no repository).
  const session = new DomainSession(untrusted.analyzer, { trusted: true, stubLog: () => undefined, problem: () => undefined });
  const waves = await session.waves();
  assert.ok(waves, 'a trusted session has waves');
  assert.equal(await session.prepare(new Budget({ sliceMs: 0 }), ['names', 'impact']), true);
  const model = RebuildModel.of(session.analyzer, await session.impactSettings());
  assert.equal(model.queriesPrepared, true, 'the first query would sort every name');
  assert.equal(waves.currentModel().graph.levelsValue().ready, true, 'the first Waves section would level the graph');
  // Ready: a hover with no time to wait has the impact and the Waves section.
  const card = await hoverAcross(session, file, pos, new Budget({ timeoutMs: 60_000 }), { impactWaitMs: 0 });
  assert.match(card!.markdown, /\*\*Impact:\*\* changing it rebuilds 3,001 packages/);
  assert.match(card!.markdown, /\*\*Waves\*\*/);
});

test('an edit of the structure while the impact is prepared: prepared again, for the structure of now', async () => {
  const files = chainedPackages(3000);
  const { session: untrusted } = await situation(files);
  const session = new DomainSession(untrusted.analyzer, { trusted: true, stubLog: () => undefined, problem: () => undefined });
  const { analyzer } = session;
  const preparing = session.prepare(new Budget({ sliceMs: 0 }), ['names', 'impact']);
  // A turn of the event loop into the preparation, a package more at the top level.
  await new Promise((resolve) => setImmediate(resolve));
  const before = analyzer.index.structureGeneration;
  analyzer.openDocument(TOP, files[TOP]!.replace(/\}$/, '  extra = callPackage ../pkg.nix { dep = p2999; };\n}'), 100);
  assert.notEqual(analyzer.index.structureGeneration, before, 'the edit did not change the structure');
  assert.equal(await preparing, true);
  const model = RebuildModel.of(analyzer, await session.impactSettings());
  assert.equal(model.graph.generation, analyzer.index.structureGeneration, 'the model is of the structure before the edit');
  assert.equal(model.queriesPrepared, true);
  assert.ok(model.indexOf(analyzer.catalog.all().find((p) => p.attrPath === 'extra')!) >= 0, 'the new package is not in the graph');
});

test('a budget already stopped does not make the rebuild model, even with the graphs ready', async () => {
  const { session } = await situation(chainedPackages(300));
  const { analyzer } = session;
  assert.equal(await session.prepare(new Budget(), ['names', 'graph']), true);
  const settings = await session.impactSettings();
  assert.equal(RebuildModel.made(analyzer, settings), false, 'the graph need made the model');
  // A hover that does not wait for the impact (its wait ran out before): nothing made in one piece.
  assert.equal(await session.prepare(new Budget({ timeoutMs: 0 }), HOVER_NEEDS), false);
  assert.equal(RebuildModel.made(analyzer, settings), false, 'a stopped budget made the model');
  assert.equal(await session.prepare(new Budget(), HOVER_NEEDS), true);
  assert.equal(RebuildModel.made(analyzer, settings), true);
});

test('an edit of the structure while the waves’ levels are prepared: the impact is prepared again, for the structure of now', async () => {
  const files = chainedPackages(3000);
  const { session: untrusted } = await situation(files);
  const session = new DomainSession(untrusted.analyzer, { trusted: true, stubLog: () => undefined, problem: () => undefined });
  const { analyzer } = session;
  const settings = await session.impactSettings();
  let edited: number | undefined;
  // The pause between two steps: once the model and its sorted names are made, only the levels are
  // left (they yield every 2,000 items), and the edit lands among them.
  const pauseMs = () => {
    if (edited === undefined && RebuildModel.made(analyzer, settings) && RebuildModel.of(analyzer, settings).queriesPrepared) {
      analyzer.openDocument(TOP, files[TOP]!.replace(/\}$/, '  extra = callPackage ../pkg.nix { dep = p2999; };\n}'), 100);
      edited = analyzer.index.structureGeneration;
    }
    return 0;
  };
  assert.equal(await session.prepare(new Budget({ sliceMs: 0, pauseMs }), HOVER_NEEDS), true);
  assert.notEqual(edited, undefined, 'no pause came while the levels were prepared');
  assert.equal(analyzer.index.structureGeneration, edited);
  assert.equal(RebuildModel.made(analyzer, settings), true, 'the impact is that of the structure before the edit');
  assert.equal(RebuildModel.of(analyzer, settings).queriesPrepared, true);
  const waves = (await session.waves())!;
  assert.equal(waves.currentModel().graph.levelsValue().ready, true, 'the levels of the structure of now are not ready');
});
