// Roles across parallel major waves, declared versus derived steps, packages outside a pivot's
// downstream, step summaries and the newest green wave at latest. A role table is written the
// way a contributor reads it: `1.1 test, 1.2 update | 2.1 test` (majors separated by `|`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type BranchSnapshot,
  DependencyGraph,
  describePackageWaves,
  newestGreenAtLatest,
  roleAt,
  stepSummaries,
  WaveModel,
  type WavesManifest,
  wavesOfSnapshot,
} from '../../server/src/analysis/waves';

//   glibc ← llvm ← python ← numpy        zlib ← openssl ← python        zlib ← ripgrep
const universe = DependencyGraph.fromDependencies({
  'core:glibc': [],
  'core:zlib': [],
  'core:llvm': ['core:glibc'],
  'core:openssl': ['core:zlib'],
  'python:python': ['core:llvm', 'core:openssl'],
  'python:numpy': ['python:python'],
  'rust:ripgrep': ['core:zlib'],
});

function snapshot(current: string | null, ...names: string[]): BranchSnapshot {
  return { repository: true, current, detached: current === null, branches: names.map((name) => ({ name, local: true, remotes: [] })) };
}

// Parallel majors as in the thread's triangle: Wave1.3, Wave2.2 and Wave3.1 in progress at once.
const triangle = snapshot('WIP-Wave2.2', 'Wave1.1', 'Wave1.2', 'WIP-Wave1.3', 'Wave2.1', 'WIP-Wave2.2', 'WIP-Wave3.1');

function check(name: string, waves: WavesManifest, branches: BranchSnapshot, attr: string, table: string, current?: string): void {
  test(name, () => {
    const model = new WaveModel(universe, waves);
    const info = describePackageWaves(model, branches, universe.lookupAttr(attr)[0]!);
    const short = (kind: string, step: number | null) => (kind === 'untouched' ? `untouched→${step ?? 'none'}` : kind);
    const actual = info.majors
      .map((g) => g.waves.map((w) => `${w.wave.major}.${w.wave.minor} ${short(w.role.kind, w.role.pivotStep)}`).join(', '))
      .join(' | ');
    assert.equal(actual, table);
    if (current !== undefined) assert.equal(info.checkedOut.role?.kind, current);
  });
}

check(
  'parallel majors, derived steps: python',
  {},
  triangle,
  'python',
  '1.1 test, 1.2 test, 1.3 update | 2.1 test, 2.2 test | 3.1 test',
  'test',
);
check(
  'parallel majors, derived steps: glibc',
  {},
  triangle,
  'glibc',
  '1.1 update, 1.2 frozen, 1.3 frozen | 2.1 update, 2.2 frozen | 3.1 update',
  'frozen',
);
check(
  'parallel majors, one major with declared steps',
  { stepsByMajor: { '2': [['zlib'], ['glibc'], ['llvm', 'openssl'], ['python', 'ripgrep'], ['numpy']] } },
  triangle,
  'llvm',
  '1.1 test, 1.2 update, 1.3 frozen | 2.1 untouched→3, 2.2 test | 3.1 test',
  'test',
);
// ripgrep depends on zlib only: when glibc moves, it is outside the pivot's downstream.
check(
  "a package outside the pivot's downstream is untouched, and names the step that will update it",
  { steps: [['glibc'], ['llvm'], ['python'], ['numpy', 'ripgrep']] },
  snapshot('WIP-Wave1.1', 'WIP-Wave1.1', 'WIP-Wave1.2'),
  'ripgrep',
  '1.1 untouched→4, 1.2 untouched→4',
  'untouched',
);
check(
  'a package no declared step updates is untouched with no later step',
  { steps: [['glibc'], ['llvm']] },
  snapshot('WIP-Wave1.2', 'Wave1.1', 'WIP-Wave1.2'),
  'zlib',
  '1.1 untouched→none, 1.2 untouched→none',
  'untouched',
);
check(
  'declared steps differ from derived: llvm left out, python updated in step 2',
  { steps: [['glibc', 'zlib'], ['python'], ['numpy']] },
  snapshot('WIP-Wave1.2', 'Wave1.1', 'WIP-Wave1.2', 'WIP-Wave1.3'),
  'llvm',
  '1.1 test, 1.2 untouched→none, 1.3 untouched→none',
);
check(
  'derived steps for the same branches update llvm in step 2',
  {},
  snapshot('WIP-Wave1.2', 'Wave1.1', 'WIP-Wave1.2', 'WIP-Wave1.3'),
  'llvm',
  '1.1 test, 1.2 update, 1.3 frozen',
);
check(
  'a wave beyond the last step: earlier pivots frozen, nothing else to do',
  {},
  snapshot('WIP-Wave1.9', 'WIP-Wave1.9'),
  'numpy',
  '1.9 frozen',
  'frozen',
);

test('a cycle: its members share a level, a step and a role', () => {
  const graph = DependencyGraph.fromDependencies({ glibc: [], gcc: ['glibc', 'binutils'], binutils: ['gcc'], hello: ['gcc'] });
  const model = new WaveModel(graph);
  assert.deepEqual(
    model.plan(1).steps.map((s) => s.pivots.sort()),
    [['glibc'], ['binutils', 'gcc'], ['hello']],
  );
  for (const id of ['gcc', 'binutils']) {
    assert.equal(roleAt(model, id, { major: 1, minor: 1 })?.kind, 'test');
    assert.equal(roleAt(model, id, { major: 1, minor: 2 })?.kind, 'update');
    assert.equal(roleAt(model, id, { major: 1, minor: 3 })?.kind, 'frozen');
  }
  assert.equal(roleAt(model, 'hello', { major: 1, minor: 2 })?.kind, 'test');
});

test('step summaries: pivot set and how many packages each step retests', () => {
  const model = new WaveModel(universe);
  assert.deepEqual(
    stepSummaries(model, 1).map((s) => [s.number, s.level, s.pivots.length, s.retests]),
    [
      [1, 0, 2, 5], // glibc, zlib: everything else retests
      [2, 1, 3, 2], // llvm, openssl, ripgrep: python, numpy
      [3, 2, 1, 1], // python: numpy
      [4, 3, 1, 0], // numpy
    ],
  );
});

test('newest green wave where the package is already at latest', () => {
  const model = new WaveModel(universe);
  const waves = wavesOfSnapshot(model, triangle);
  const newest = (attr: string) => newestGreenAtLatest(model, attr, waves)?.branches[0] ?? null;
  assert.equal(newest('core:glibc'), 'Wave2.1', 'updated by 1.1 and 2.1; the higher major wins');
  assert.equal(newest('core:llvm'), 'Wave1.2', 'step 2 is green only in major 1');
  assert.equal(newest('python:python'), null, 'step 3 is not green anywhere');
});

test('declared steps that walk the tree upwards are reported', () => {
  const model = new WaveModel(universe, { steps: [['glibc', 'zlib'], ['python'], ['llvm']] });
  assert.deepEqual(model.plan(1).problems, [
    'step 2 updates python:python, which depends on what step 3 updates; it stays frozen while its dependency changes',
  ]);
});

test('unknown packages and declared names that match nothing', () => {
  const model = new WaveModel(universe, { steps: [['glibc'], ['nosuchpackage']] });
  assert.equal(roleAt(model, 'core:nope', { major: 1, minor: 1 }), null);
  assert.deepEqual(model.plan(1).problems, ['step 2 names "nosuchpackage", which is no known package']);
  const info = describePackageWaves(model, triangle, 'core:nope');
  assert.equal(info.known, false);
  assert.equal(info.level, null);
});
