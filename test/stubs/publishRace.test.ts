// Two publications racing for one ref of a real bare repository on disk. Each is held just before
// its push until the other has built its commit on the same tip, so both pushes really race: one
// lands, the other is refused by git and redone on top of it. The index ends up listing both.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createExampleUniverse, type ExampleUniverse } from '../../scripts/example-universe';
import { prepareStub, type PreparedStub } from '../../server/src/analysis/stubs/generate';
import { publishStub, resolvePublishTarget, type PublishTarget } from '../../server/src/analysis/stubs/publish';
import { StubStore } from '../../server/src/analysis/stubs/store';
import { parseJson, validateIndex } from '../../server/src/analysis/stubs/validate';
import { bareRemote, collectLog, git, indexed, tempDir } from './helpers';

const REF = 'refs/nix-domains/stubs';
let top: string;
let remove: () => Promise<void>;
let universe: ExampleUniverse;
/** core at three commits: main (A), and two clones a commit further each (B, C). */
const stubs: PreparedStub[] = [];

before(async () => {
  ({ dir: top, remove } = await tempDir('nix-domains-race-'));
  universe = await createExampleUniverse(path.join(top, 'universe'));
  stubs.push(await prepareStub(await indexed(universe.core, 'core')));
  let from = universe.core;
  for (const [name, version] of [
    ['core-b', '3.0.14'],
    ['core-c', '3.0.15'],
  ] as const) {
    const clone = path.join(top, name);
    await git(top, 'clone', '-q', from, clone);
    const file = path.join(clone, 'pkgs/by-name/op/openssl/package.nix');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace(/version = "[\d.]+";/, `version = "${version}";`));
    await git(clone, 'commit', '-qam', `openssl: ${version}`);
    stubs.push(await prepareStub(await indexed(clone, 'core')));
    from = clone;
  }
});
after(() => remove());

/** Resolves once `parties` callers have arrived; rejects, naming who is missing, after 30 s. */
function barrier(parties: number): (who: string) => Promise<void> {
  const arrived: string[] = [];
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async (who) => {
    arrived.push(who);
    if (arrived.length === parties) release();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${arrived.join(', ')} reached the push within 30 s`)), 30_000);
    });
    try {
      await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Publishes the given stubs at once, each held before its first push until all have built on the same tip. */
async function race(to: PublishTarget, racing: PreparedStub[]) {
  const meet = barrier(racing.length);
  const { lines, log } = collectLog();
  const results = await Promise.all(
    racing.map((stub, i) =>
      publishStub(stub, to, {
        log,
        beforePush: (attempt) => (attempt === 1 ? meet(`publisher ${i}`) : Promise.resolve()),
      }),
    ),
  );
  return { results, lines };
}

async function indexOn(remote: string) {
  return validateIndex(parseJson(await git(remote, 'cat-file', 'blob', `${REF}:index.json`), 'index.json'));
}

test('two revisions published at once onto a ref that does not exist yet: one is redone on top of the other', async () => {
  const remote = await bareRemote(path.join(top, 'first.git'));
  const to = await resolvePublishTarget(remote, universe.core);
  const { results, lines } = await race(to, [stubs[0]!, stubs[1]!]);
  assert.deepEqual(results.map((r) => r.attempts).sort(), [1, 2]);
  assert.ok(results.every((r) => r.changed));
  assert.ok(
    lines.some((l) =>
      /another publication reached .*first\.git#refs\/nix-domains\/stubs first; publishing core [0-9a-f]{12} again on top of it \(attempt 2 of 6\)/.test(
        l,
      ),
    ),
    lines.join('\n'),
  );
  // Two commits, one on the other; the last one pushed is the ref.
  assert.equal(await git(remote, 'rev-list', '--count', REF), '2');
  assert.equal(await git(remote, 'rev-parse', REF), results.find((r) => r.attempts === 2)!.commit);
  const listed = (await indexOn(remote)).domains.core!.map((e) => e.revision);
  assert.deepEqual([...listed].sort(), [stubs[0]!.revision, stubs[1]!.revision].sort());
  // Both revisions are whole: a reader pinned to either finds its openssl.
  for (const [stub, version] of [
    [stubs[0]!, '3.0.13'],
    [stubs[1]!, '3.0.14'],
  ] as const) {
    const store = new StubStore({
      workspaceRoot: universe.rust,
      cache: path.join(top, `cache-${stub.revision}`),
      domains: { core: { stubs: `git+file://${remote}#${REF}`, rev: stub.revision } },
    });
    assert.equal((await store.lookup('core', 'openssl'))?.version, version);
  }
});

test('three publications racing on an existing ref, two of them the same revision: the index lists each revision once', async () => {
  const remote = await bareRemote(path.join(top, 'second.git'));
  const to = await resolvePublishTarget(`git+file://${remote}#${REF}`, universe.core);
  await publishStub(stubs[0]!, to);
  const { results } = await race(to, [stubs[1]!, stubs[2]!, stubs[2]!]);
  // B and C built on the same tip, so one of them was refused and redone. The two publications of
  // C either made the same commit (same tree, parent and second: the second push finds it there)
  // or the later one found its revision on the ref byte for byte and pushed nothing.
  assert.ok(
    results.some((r) => r.attempts >= 2),
    JSON.stringify(results.map((r) => r.attempts)),
  );
  assert.equal(await git(remote, 'rev-list', '--count', REF), '3', 'the first publication and one commit per new revision');
  const listed = (await indexOn(remote)).domains.core!.map((e) => e.revision);
  assert.equal(listed.length, 3);
  assert.deepEqual(new Set(listed), new Set(stubs.map((s) => s.revision)));
});
