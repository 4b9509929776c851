// Stub format version 2: shards and parts leave the revision out, so a shard that did not change
// keeps its bytes at the next revision. Version 1 stubs (revision in every shard) are still read.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeStub, type PackageData } from '../../server/src/analysis/stubs/encode';
import { canonicalJson, sha256, type StubRoot } from '../../server/src/analysis/stubs/format';
import { StubStore } from '../../server/src/analysis/stubs/store';
import { collectLog, universeWithStubs, type UniverseWithStubs } from './helpers';

let u: UniverseWithStubs;
before(async () => {
  u = await universeWithStubs();
});
after(() => u.remove());

/** 3,000 packages with a chain of inputs: enough for dozens of shards. */
function packages(versionOf: (i: number) => string): PackageData[] {
  return Array.from({ length: 3000 }, (_, i) => ({
    attr: `pkg${String(i).padStart(4, '0')}`,
    file: `pkgs/by-name/pk/pkg${i}/package.nix`,
    pos: [4, 2] as [number, number],
    version: versionOf(i),
    description: `Package number ${i}, described at the length nixpkgs descriptions have`,
    inputs: [
      { name: 'stdenv' },
      ...(i > 0 ? [{ name: `pkg${String(i - 1).padStart(4, '0')}`, ref: `big:pkg${String(i - 1).padStart(4, '0')}` }] : []),
    ],
    maintainers: [`m${i % 50}`],
  }));
}

test('a new revision with one package changed keeps every other shard and the reverse graph byte for byte', () => {
  const a = encodeStub({ domain: 'big', revision: 'a'.repeat(40), packages: packages(() => '1.0'), lib: [], maintainers: [] });
  const b = encodeStub({
    domain: 'big',
    revision: 'b'.repeat(40),
    packages: packages((i) => (i === 1234 ? '1.1' : '1.0')),
    lib: [],
    maintainers: [],
  });
  assert.ok(a.root.shards.length >= 10, `${a.root.shards.length} shards`);
  assert.deepEqual(
    b.root.shards.map((s) => s.from),
    a.root.shards.map((s) => s.from),
  );
  const changed = a.root.shards.filter((s, i) => s.sha256 !== b.root.shards[i]!.sha256);
  assert.deepEqual(
    changed.map((s) => s.from),
    [a.root.shards.filter((s) => s.from <= 'pkg1234').at(-1)!.from],
  );
  assert.equal(a.root.reverse.sha256, b.root.reverse.sha256);
  assert.notEqual(sha256(a.files.get('root.json')!), sha256(b.files.get('root.json')!), 'the root names its revision');
});

/** Rewrites a version 2 stub folder as version 1 wrote it: the revision in every shard and in the reverse part. */
async function asVersion1(folder: string, revision: string): Promise<void> {
  const rootFile = path.join(folder, 'root.json');
  const root = JSON.parse(await fs.readFile(rootFile, 'utf8')) as StubRoot;
  for (const ref of [...root.shards, root.reverse]) {
    const part = JSON.parse(await fs.readFile(path.join(folder, ref.file), 'utf8')) as Record<string, unknown>;
    const bytes = Buffer.from(canonicalJson({ ...part, version: 1, revision }), 'utf8');
    await fs.writeFile(path.join(folder, ref.file), bytes);
    Object.assign(ref, { sha256: sha256(bytes), size: bytes.byteLength });
  }
  await fs.writeFile(rootFile, canonicalJson({ ...root, version: 1 }));
}

test('a version 1 stub is still read; a version 2 shard naming a revision, or of another version than its root, is refused', async () => {
  const rev = u.universe.revisions.core!;
  const v1 = path.join(u.top, 'v1');
  await fs.cp(u.stubs, v1, { recursive: true });
  await asVersion1(path.join(v1, 'core', rev), rev);
  const store = new StubStore({
    workspaceRoot: u.universe.rust,
    cache: path.join(u.top, 'cache-v1'),
    domains: { core: { stubs: v1, rev } },
  });
  assert.equal((await store.root('core')).version, 1);
  assert.equal((await store.lookup('core', 'openssl'))?.version, '3.0.13');
  assert.ok((await store.rebuildClosure('core', ['zlib'])).includes('openssl'));

  // A version 2 root whose shard carries a revision, and a version 1 shard under a version 2 root.
  for (const [edit, why] of [
    [(shard: Record<string, unknown>) => ({ ...shard, revision: rev }), /revision is not part of a version 2 shard or part/],
    [
      (shard: Record<string, unknown>) => ({ ...shard, version: 1, revision: rev }),
      /version 1 is not supported \(this reader knows version 2\)/,
    ],
  ] as const) {
    const bad = path.join(u.top, `bad-${Math.random().toString(36).slice(2)}`);
    await fs.cp(u.stubs, bad, { recursive: true });
    const folder = path.join(bad, 'core', rev);
    const root = JSON.parse(await fs.readFile(path.join(folder, 'root.json'), 'utf8')) as StubRoot;
    const ref = root.shards[0]!;
    const bytes = Buffer.from(canonicalJson(edit(JSON.parse(await fs.readFile(path.join(folder, ref.file), 'utf8')))), 'utf8');
    await fs.writeFile(path.join(folder, ref.file), bytes);
    Object.assign(ref, { sha256: sha256(bytes), size: bytes.byteLength });
    await fs.writeFile(path.join(folder, 'root.json'), canonicalJson(root));
    const { lines, log } = collectLog();
    const s = new StubStore({
      workspaceRoot: u.universe.rust,
      cache: path.join(bad, 'cache'),
      log,
      domains: { core: { stubs: bad, rev } },
    });
    await assert.rejects(s.lookup('core', 'openssl'), why);
    assert.ok(
      lines.some((l) => why.test(l)),
      lines.join('\n'),
    );
  }
});
