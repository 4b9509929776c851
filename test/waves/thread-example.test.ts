// The discussion's worked example: numpy depends on python depends on llvm depends on glibc,
// walked through Wave1.1 to Wave1.4. The table below is the thread's own text, word for word;
// every package's role at every step must read as the thread says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BranchCache,
  DependencyGraph,
  describePackageWaves,
  frozenEditWarning,
  renderWavesHover,
  ROLE_LABELS,
  type RoleKind,
  roleAt,
  roleExplanation,
  WaveModel,
  type WavesManifest,
} from '../../server/src/analysis/waves';
import { branches, makeRepo, type TempRepo } from './gitRepo';

const THREAD: Record<string, Record<string, string>> = {
  'Wave1.1': {
    glibc: 'update to latest',
    llvm: '(test and fix)',
    python: '(test and fix, ex: maybe bump to python 0.2)',
    numpy: '(test and fix)',
  },
  'Wave1.2': { glibc: '(dont touch dont test)', llvm: 'update to latest', python: '(test and fix)', numpy: '(test and fix)' },
  'Wave1.3': {
    glibc: '(dont touch dont test)',
    llvm: '(dont touch dont test)',
    python: 'update to latest',
    numpy: '(test and fix if needed)',
  },
  'Wave1.4': {
    glibc: '(dont touch dont test)',
    llvm: '(dont touch dont test)',
    python: '(dont touch dont test)',
    numpy: 'update to latest',
  },
};

const graph = DependencyGraph.fromDependencies({
  'core:glibc': [],
  'core:llvm': ['core:glibc'],
  'python:python': ['core:llvm'],
  'python:numpy': ['python:python'],
});

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

// The thread's annotation for a package must start with our label for its role, and with no other.
function threadRole(text: string): RoleKind {
  const matches = (Object.keys(ROLE_LABELS) as RoleKind[]).filter((k) => words(text).startsWith(words(ROLE_LABELS[k])));
  assert.equal(matches.length, 1, `"${text}" matches ${matches.length} role labels`);
  return matches[0]!;
}

function check(model: WaveModel, branch: string, expected: Record<string, string>): void {
  const [major, minor] = branch.replace(/^\D+/, '').split('.').map(Number) as [number, number];
  for (const [attr, text] of Object.entries(expected)) {
    const id = graph.lookupAttr(attr)[0]!;
    assert.equal(roleAt(model, id, { major, minor })?.kind, threadRole(text), `${attr} at ${branch}`);
  }
}

test('derived steps reproduce the thread table at every step', () => {
  const model = new WaveModel(graph);
  for (const [branch, expected] of Object.entries(THREAD)) check(model, branch, expected);
});

test('declared steps (one pivot per step) reproduce the same table', () => {
  const waves: WavesManifest = { steps: [['glibc'], ['llvm'], ['python'], ['numpy']] };
  const model = new WaveModel(graph, waves);
  assert.equal(model.plan(1).source, 'declared');
  for (const [branch, expected] of Object.entries(THREAD)) check(model, branch, expected);
});

test('levels follow the chain: glibc 0, llvm 1, python 2, numpy 3', () => {
  const levels = graph.levels();
  assert.deepEqual(
    ['core:glibc', 'core:llvm', 'python:python', 'python:numpy'].map((id) => levels.levelOf(id)),
    [0, 1, 2, 3],
  );
});

// The same walk through a real repository: Wave1.1–1.3 green, WIP-Wave1.4 in progress, each
// checked out in turn and read through the branch cache, as the server would.
let repo: TempRepo;
before(async () => {
  repo = await makeRepo();
  await branches(repo, 'Wave1.1', 'Wave1.2', 'Wave1.3', 'WIP-Wave1.4');
});
after(() => repo.remove());

test('in a real git repository, the checked-out wave gives each package the thread role', async () => {
  const model = new WaveModel(graph);
  const cache = new BranchCache(repo.dir);
  for (const [branch, expected] of Object.entries(THREAD)) {
    const checkout = branch === 'Wave1.4' ? 'WIP-Wave1.4' : branch;
    await repo.git('checkout', '-q', checkout);
    const snapshot = await cache.get();
    assert.equal(snapshot.current, checkout);
    for (const [attr, text] of Object.entries(expected)) {
      const info = describePackageWaves(model, snapshot, graph.lookupAttr(attr)[0]!);
      assert.equal(info.checkedOut.role?.kind, threadRole(text), `${attr} on ${checkout}`);
      // The table lists all four waves, whichever is checked out.
      assert.deepEqual(
        info.majors.map((g) => g.waves.length),
        [4],
      );
    }
  }
});

test('on WIP-Wave1.4 the hover and the frozen warning speak plainly', async () => {
  await repo.git('checkout', '-q', 'WIP-Wave1.4');
  const model = new WaveModel(graph);
  const snapshot = await new BranchCache(repo.dir).get();

  const python = renderWavesHover(describePackageWaves(model, snapshot, 'python:python'), 'markdown', {
    more: '[The wave plan](command:x)',
  });
  // At a glance: where you are and the role, the table, the level; the explanations are a link away.
  assert.deepEqual(python.split('\n\n'), [
    '**Waves** · on `WIP-Wave1.4`: step 4 of major wave 1, in progress',
    "**don't touch, don't test**: step 3 already updated it to latest and tested what depends on it; leave it as it is.",
    [
      '| Major wave 1 |',
      '|---|',
      '| `Wave1.1` test and fix |',
      '| `Wave1.2` test and fix |',
      '| `Wave1.3` update to latest |',
      "| **`WIP-Wave1.4` don't touch, don't test** ← you are here |",
    ].join('\n'),
    'Level 2 · at latest since `Wave1.3`',
    '[The wave plan](command:x)',
  ]);

  const numpy = renderWavesHover(describePackageWaves(model, snapshot, 'python:numpy'), 'plaintext');
  assert.match(
    numpy,
    /^Waves · on WIP-Wave1\.4: step 4 of major wave 1, in progress\n\nupdate to latest: this step updates it to its latest version\./,
  );
  assert.match(
    numpy,
    /Major wave 1: Wave1\.1 test and fix; Wave1\.2 test and fix; Wave1\.3 test and fix; WIP-Wave1\.4 update to latest \(you are here\)/,
  );
  assert.match(numpy, /Level 3 · not at latest in any green wave yet$/);
  assert.doesNotMatch(numpy, /\*\*|`/, 'plain text has no markdown');

  const numpyAtStep1 = roleAt(model, 'python:numpy', { major: 1, minor: 1 })!;
  assert.equal(
    roleExplanation(numpyAtStep1, (s) => `\`${s}\``),
    'it depends on `core:glibc` (through `python:python` → `core:llvm`), which this step updates: make it build and pass its tests again.',
  );

  const warning = frozenEditWarning(model, snapshot, 'core:glibc');
  assert.ok(warning);
  assert.equal(warning.updatedInStep, 1);
  assert.match(warning.message, /core:glibc is frozen on WIP-Wave1\.4 .*step 1 of major wave 1 \(Wave1\.1\)/);
  assert.equal(frozenEditWarning(model, snapshot, 'python:numpy'), null, 'the pivot of this step is meant to be edited');

  await repo.git('checkout', '-q', 'Wave1.3');
  assert.equal(frozenEditWarning(model, await new BranchCache(repo.dir).get(), 'core:glibc'), null, 'a green wave is finished');
});

test('a test role names the path to the pivot', () => {
  const role = roleAt(new WaveModel(graph), 'python:numpy', { major: 1, minor: 1 });
  assert.deepEqual(role?.via, ['python:numpy', 'python:python', 'core:llvm', 'core:glibc']);
});
