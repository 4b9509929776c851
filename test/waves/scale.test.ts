// A universe-sized graph: 20,000 packages, 35 layers, a few cycles. Everything must simply
// work; the time is printed for the record, never asserted (machines differ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  benchmarkWaves,
  type BranchSnapshot,
  describePackageWaves,
  generateLayeredGraph,
  renderWavesHover,
  rolesAtWave,
  walkedRoleCodes,
  WaveModel,
} from '../../server/src/analysis/waves';

test('20,000 packages: all levels and the roles at every step of three parallel majors', () => {
  const graph = generateLayeredGraph({ nodes: 20_000, layers: 35, cycles: 8, seed: 42 });
  const result = benchmarkWaves(graph, { majors: [1, 2, 3] });
  console.log(
    `waves: ${result.nodes} nodes, ${result.edges} edges, ${result.levels} levels, ${result.components} components; ` +
      `levels ${result.levelsMs.toFixed(1)} ms, roles for ${result.waves} waves ${result.rolesMs.toFixed(1)} ms, total ${result.totalMs.toFixed(1)} ms; ` +
      `the same roles by walking the graph (as declared steps need) ${result.walkedRolesMs.toFixed(1)} ms`,
  );
  assert.equal(result.levels, 35, 'cycles inside a layer keep the layers as levels');
  assert.ok(result.components < result.nodes, 'some cycles were collapsed');
  assert.equal(result.waves, 3 * 35);

  // Every package has exactly one role at every step, and the derived plan's rules hold.
  const model = new WaveModel(graph);
  const levels = graph.levels();
  const plan = model.plan(1);
  for (const minor of [1, 2, 18, 35, 36]) {
    assert.deepEqual(model.roleCodes({ major: 1, minor }), walkedRoleCodes(graph, plan, minor), `level shortcut = walk at step ${minor}`);
  }
  for (const minor of [1, 18, 35]) {
    const roles = rolesAtWave(model, { major: 1, minor });
    const total = roles.frozen.length + roles.update.length + roles.test.length + roles.untouched.length;
    assert.equal(total, graph.size);
    assert.ok(roles.update.every((id) => levels.levelOf(id) === minor - 1));
    assert.ok(roles.frozen.every((id) => levels.levelOf(id)! < minor - 1));
  }

  const snapshot: BranchSnapshot = {
    repository: true,
    current: 'WIP-Wave1.18',
    detached: false,
    branches: ['Wave1.17', 'WIP-Wave1.18', 'Wave2.5', 'WIP-Wave3.1'].map((name) => ({ name, local: true, remotes: [] })),
  };
  const top = levels.indicesByLevel[34]![0]!;
  const start = performance.now();
  const hover = renderWavesHover(describePackageWaves(model, snapshot, graph.idAt(top)));
  console.log(`waves: hover for a level-34 package ${(performance.now() - start).toFixed(1)} ms`);
  assert.match(hover, /\n\n\*\*test and fix\*\*: it depends on `pkg\d+` \(through `pkg\d+`( → `pkg\d+`)*\), which this step updates/);
  assert.match(hover, /\| Major wave 1 \| Major wave 2 \| Major wave 3 \|/);
  // One column per major wave, its known branches in order: two rows, not one per step number.
  assert.match(
    hover,
    /\|---\|---\|---\|\n\| `Wave1\.17` test and fix \| `Wave2\.5` test and fix \| `WIP-Wave3\.1` test and fix \|\n\| \*\*`WIP-Wave1\.18` test and fix\*\* ← you are here \| {2}\| {2}\|\n\nLevel 34 · /,
  );
});
