// Wave branch names, and branches read from real temporary git repositories.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BranchCache,
  DEFAULT_WAVE_PATTERNS,
  DependencyGraph,
  describePackageWaves,
  type GitRunner,
  knownWaves,
  parseWaveBranch,
  readBranches,
  renderWavesHover,
  runGit,
  WaveModel,
  type WavePatterns,
  waveBranchName,
} from '../../server/src/analysis/waves';
import { branches, git, makeRepo, type TempRepo, tempDir } from './gitRepo';

const cleanup: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanup.map((f) => f())));
async function repo(): Promise<TempRepo> {
  const r = await makeRepo();
  cleanup.push(r.remove);
  return r;
}

function check(name: string, expected: ReturnType<typeof parseWaveBranch>, patterns: WavePatterns = DEFAULT_WAVE_PATTERNS): void {
  test(`parse "${name}"${patterns === DEFAULT_WAVE_PATTERNS ? '' : ` with ${patterns.wip} / ${patterns.green}`}`, () => {
    assert.deepEqual(parseWaveBranch(name, patterns), expected);
  });
}

check('WIP-Wave1.3', { major: 1, minor: 3, green: false });
check('Wave1.3', { major: 1, minor: 3, green: true });
check('Wave12.40', { major: 12, minor: 40, green: true });
check('main', null);
check('Wave1', null);
check('Wave1.0', null); // step 0 does not exist
check('WIP-Wave1.3-fix-python', null);
check('feature/Wave1.3', null);
check('wave1.3', null); // names are case-sensitive, as git's are
const custom = { wip: 'waves/{major}-{minor}-wip', green: 'waves/{major}-{minor}' };
check('waves/2-1-wip', { major: 2, minor: 1, green: false }, custom);
check('waves/2-1', { major: 2, minor: 1, green: true }, custom);
check('Wave2.1', null, custom);
check('step3-of-2', { major: 2, minor: 3, green: true }, { wip: 'wip-step{minor}-of-{major}', green: 'step{minor}-of-{major}' });

test('branch names round-trip through the patterns', () => {
  assert.equal(waveBranchName({ major: 2, minor: 5 }, false), 'WIP-Wave2.5');
  assert.equal(waveBranchName({ major: 2, minor: 5 }, true, custom), 'waves/2-5');
  assert.throws(() => parseWaveBranch('x', { wip: 'WIP-{major}', green: 'G{major}.{minor}' }), /\{minor\} exactly once/);
});

test('known waves: one entry per major.minor, green when a green branch exists', () => {
  const waves = knownWaves(['main', 'WIP-Wave2.2', 'Wave1.3', 'WIP-Wave1.3', 'WIP-Wave3.1', 'Wave2.1']);
  assert.deepEqual(
    waves.map((w) => [`${w.major}.${w.minor}`, w.green, w.branches]),
    [
      ['1.3', true, ['Wave1.3', 'WIP-Wave1.3']],
      ['2.1', true, ['Wave2.1']],
      ['2.2', false, ['WIP-Wave2.2']],
      ['3.1', false, ['WIP-Wave3.1']],
    ],
  );
});

test('local and remote-tracking branches, deduplicated, remote prefix stripped', async () => {
  const remoteDir = await tempDir('waves-remote-');
  cleanup.push(() => import('node:fs/promises').then((fs) => fs.rm(remoteDir, { recursive: true, force: true })));
  await git(remoteDir, 'init', '-q', '--bare');
  const r = await repo();
  await branches(r, 'Wave1.1', 'WIP-Wave1.2', 'WIP-Wave2.1');
  await r.git('remote', 'add', 'origin', `file://${remoteDir}`);
  await r.git('push', '-q', 'origin', 'Wave1.1', 'WIP-Wave1.2', 'WIP-Wave2.1');
  await r.git('fetch', '-q', 'origin');
  // Only on the remote from now on: the branch exists as a remote-tracking ref alone.
  await r.git('branch', '-q', '-D', 'WIP-Wave2.1');
  await r.git('remote', 'set-head', 'origin', 'Wave1.1');

  const snapshot = await readBranches(r.dir);
  assert.equal(snapshot.current, 'main');
  assert.equal(snapshot.detached, false);
  assert.deepEqual(snapshot.branches, [
    { name: 'WIP-Wave1.2', local: true, remotes: ['origin'] },
    { name: 'WIP-Wave2.1', local: false, remotes: ['origin'] },
    { name: 'Wave1.1', local: true, remotes: ['origin'] },
    { name: 'main', local: true, remotes: [] },
  ]);
});

test('a detached HEAD has no current branch, and the hover says so', async () => {
  const r = await repo();
  await branches(r, 'Wave1.1', 'WIP-Wave1.2');
  await r.git('checkout', '-q', '--detach', 'Wave1.1');
  const snapshot = await readBranches(r.dir);
  assert.equal(snapshot.current, null);
  assert.equal(snapshot.detached, true);
  const model = new WaveModel(DependencyGraph.fromDependencies({ glibc: [], llvm: ['glibc'] }));
  const info = describePackageWaves(model, snapshot, 'llvm');
  assert.equal(info.checkedOut.wave, null);
  assert.deepEqual(
    info.majors[0]!.waves.map((w) => w.role.kind),
    ['test', 'update'],
  );
  const hover = renderWavesHover(info);
  assert.match(hover, /^\*\*Waves\*\* · HEAD is detached, so you are in no wave\n\n\| Major wave 1 \|/);
  assert.match(hover, /\| `Wave1\.1` test and fix \|\n\| `WIP-Wave1\.2` update to latest \|/, 'no cell is marked as checked out');
  assert.doesNotMatch(hover, /you are here/);
});

test('a branch that is no wave: no current wave, the other waves still listed', async () => {
  const r = await repo();
  await branches(r, 'WIP-Wave1.1', 'WIP-Wave1.1-fix-llvm');
  await r.git('checkout', '-q', 'WIP-Wave1.1-fix-llvm');
  const model = new WaveModel(DependencyGraph.fromDependencies({ glibc: [], llvm: ['glibc'] }));
  const info = describePackageWaves(model, await readBranches(r.dir), 'llvm');
  assert.equal(info.checkedOut.branch, 'WIP-Wave1.1-fix-llvm');
  assert.equal(info.checkedOut.wave, null);
  assert.equal(info.checkedOut.role, null);
  assert.equal(info.majors[0]!.waves.length, 1);
  assert.match(
    renderWavesHover(info),
    /^\*\*Waves\*\* · on `WIP-Wave1\.1-fix-llvm`, which is not a wave branch\n\n\| Major wave 1 \|\n\|---\|\n\| `WIP-Wave1\.1` test and fix \|\n\nLevel 1 · /,
  );
});

test('a repository without wave branches: a brief hover, no failure', async () => {
  const r = await repo();
  await branches(r, 'feature');
  const model = new WaveModel(DependencyGraph.fromDependencies({ glibc: [], llvm: ['glibc'] }));
  const info = describePackageWaves(model, await readBranches(r.dir), 'llvm');
  assert.equal(info.noWaveBranches, true);
  assert.equal(info.newestGreenAtLatest, null);
  const hover = renderWavesHover(info);
  assert.equal(hover, '**Waves** · no wave branches in this repository (names like `WIP-Wave1.1` or `Wave1.1`)\n\nLevel 1');
});

test('a folder that is no git repository: an empty snapshot and a one-line hover', async () => {
  const dir = await tempDir('waves-nogit-');
  cleanup.push(() => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true })));
  // GIT_CEILING_DIRECTORIES keeps git from finding a repository above the temp folder.
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(dir) };
  const run: GitRunner = (args, cwd) =>
    new Promise((resolve, reject) => execFile('git', [...args], { cwd, env }, (e, out) => (e ? reject(e) : resolve(out))));
  const snapshot = await new BranchCache(dir, { run }).get();
  assert.equal(snapshot.repository, false);
  assert.deepEqual(snapshot.branches, []);
  assert.match(snapshot.problem ?? '', /not inside a git repository/);
  const model = new WaveModel(DependencyGraph.fromDependencies({ glibc: [] }));
  assert.equal(
    renderWavesHover(describePackageWaves(model, snapshot, 'glibc')),
    '**Waves** · this folder is not a git repository, so there are no wave branches.',
  );
});

test('the cache runs git only after HEAD or the refs change, or after invalidate()', async () => {
  const r = await repo();
  await branches(r, 'WIP-Wave1.1');
  let runs = 0;
  const counting: GitRunner = (args, cwd) => {
    runs++;
    return runGit(args, cwd);
  };
  const cache = new BranchCache(r.dir, { run: counting });
  const first = await cache.get();
  const afterFirst = runs;
  assert.equal(first.current, 'main');
  assert.equal(await cache.get(), first, 'unchanged: the same snapshot');
  assert.equal(runs, afterFirst, 'unchanged: no git process');

  await r.git('checkout', '-q', 'WIP-Wave1.1');
  assert.equal((await cache.get()).current, 'WIP-Wave1.1', 'HEAD changed');

  await r.git('branch', 'Wave1.1');
  assert.ok(
    (await cache.get()).branches.some((b) => b.name === 'Wave1.1'),
    'a new ref',
  );

  await r.git('pack-refs', '--all');
  await r.git('branch', '-D', 'Wave1.1');
  assert.ok(!(await cache.get()).branches.some((b) => b.name === 'Wave1.1'), 'a ref deleted from packed-refs');

  const before = runs;
  await cache.get();
  assert.equal(runs, before);
  cache.invalidate();
  await cache.get();
  assert.ok(runs > before, 'invalidate() forces a re-read');

  const [a, b] = [cache.get(), cache.get()];
  assert.equal(await a, await b, 'concurrent calls share one read');
});

test('a call made while a read is in flight sees a checkout made before the call', async () => {
  const r = await repo();
  await branches(r, 'WIP-Wave1.1');
  // The first read of HEAD is held after git answered, until the checkout below is done.
  let reached!: () => void;
  let release!: () => void;
  const readHead = new Promise<void>((resolve) => (reached = resolve));
  const held = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  const slow: GitRunner = async (args, cwd) => {
    const out = await runGit(args, cwd);
    if (first && args[0] === 'symbolic-ref') {
      first = false;
      reached();
      await held;
    }
    return out;
  };
  const cache = new BranchCache(r.dir, { run: slow });
  const before = cache.get();
  await readHead;
  await r.git('checkout', '-q', 'WIP-Wave1.1');
  const after = cache.get();
  release();
  assert.equal((await before).current, 'main');
  assert.equal((await after).current, 'WIP-Wave1.1', 'not the answer of the read that began before the checkout');
});

test('patterns from the manifest drive the hover and the known waves', async () => {
  const r = await repo();
  await branches(r, 'waves/1-1', 'waves/1-2-wip', 'Wave1.1');
  await r.git('checkout', '-q', 'waves/1-2-wip');
  const model = new WaveModel(DependencyGraph.fromDependencies({ glibc: [], llvm: ['glibc'] }), custom);
  const info = describePackageWaves(model, await readBranches(r.dir), 'glibc');
  assert.deepEqual(
    info.majors[0]!.waves.map((w) => w.wave.branches),
    [['waves/1-1'], ['waves/1-2-wip']],
    'Wave1.1 is no wave under these patterns',
  );
  assert.equal(info.checkedOut.role?.kind, 'frozen');
  assert.equal(info.newestGreenAtLatest?.branches[0], 'waves/1-1');
});
