// Stub generation from the example universe: content, byte-for-byte determinism, the CLI,
// and a dirty checkout refused.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stubCommand } from '../../server/src/cli/stub';
import { generateStub } from '../../server/src/analysis/stubs/generate';
import { shardFor, type StubRoot, type StubShard } from '../../server/src/analysis/stubs/format';
import { parseJson, validateIndex, validateRoot, validateShard } from '../../server/src/analysis/stubs/validate';
import { indexed, universeWithStubs, type UniverseWithStubs } from './helpers';

let u: UniverseWithStubs;
before(async () => {
  u = await universeWithStubs();
});
after(() => u.remove());

async function readRoot(domain: string, revision: string): Promise<StubRoot> {
  return validateRoot(parseJson(await fs.readFile(path.join(u.stubs, domain, revision, 'root.json')), 'root'), domain, revision);
}

async function readShard(root: StubRoot, name: string): Promise<StubShard> {
  const ref = shardFor(root.shards, name)!;
  const bytes = await fs.readFile(path.join(u.stubs, root.domain, root.revision, ref.file));
  return validateShard(parseJson(bytes, 'shard'), root, root.shards.indexOf(ref));
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)));
  }
  return out.sort();
}

test('the stub of core records packages, positions, inputs, dependants and maintainers', async () => {
  const root = await readRoot('core', u.universe.revisions.core!);
  assert.equal(root.revision, u.universe.revisions.core);
  const openssl = (await readShard(root, 'openssl')).packages.find((p) => p.attr === 'openssl')!;
  assert.equal(openssl.file, 'pkgs/by-name/op/openssl/package.nix');
  assert.equal(openssl.version, '3.0.13');
  assert.ok(openssl.inputs.includes('core:zlib'));
  assert.ok(openssl.dependants.includes('curl'));
  assert.deepEqual(openssl.maintainers, ['bob', 'mallory']);
  assert.ok(root.maintainers.some((m) => m.file === 'maintainers/maintainer-list.nix' && m.count > 10));
  assert.ok(root.lib.length > 0 && root.lib.every((f) => f.file.startsWith('lib/')));
  const aliases = (await readShard(root, 'python3')).aliases;
  assert.equal(aliases.python3, 'pythonInterpreters.python311');
});

test('the stub of rust lists what it takes from other domains as unresolved imports', async () => {
  const root = await readRoot('rust', u.universe.revisions.rust!);
  assert.equal(root.imports.openssl![0], 3);
  const shard = await readShard(root, 'openssl');
  assert.ok(shard.imports.openssl!.includes('cargo-audit'));
  const audit = (await readShard(root, 'cargo-audit')).packages.find((p) => p.attr === 'cargo-audit')!;
  assert.ok(audit.unresolved.includes('openssl'));
  assert.ok(!audit.unresolved.includes('version'), 'arguments with defaults are not imports');
});

test('stubs hold no file contents', async () => {
  for (const file of await listFiles(u.stubs)) {
    const text = await fs.readFile(path.join(u.stubs, file), 'utf8');
    assert.ok(!/mkDerivation|fetchurl \{|sha256-/.test(text), `${file} holds source text`);
  }
});

test('generating twice gives byte-for-byte the same files, and index.json lists both domains', async () => {
  const again = path.join(u.top, 'again');
  for (const domain of ['core', 'rust'] as const) await generateStub(await indexed(u.universe[domain], domain), { out: again });
  const files = await listFiles(u.stubs);
  assert.deepEqual(await listFiles(again), files);
  for (const file of files)
    assert.ok((await fs.readFile(path.join(u.stubs, file))).equals(await fs.readFile(path.join(again, file))), `${file} differs`);
  const index = validateIndex(parseJson(await fs.readFile(path.join(u.stubs, 'index.json')), 'index'));
  assert.deepEqual(Object.keys(index.domains).sort(), ['core', 'rust']);
  assert.equal(index.domains.core![0]!.revision, u.universe.revisions.core);
});

test('the stub command writes a stub; a checkout with uncommitted .nix changes is refused unless --allow-dirty', async () => {
  const out = path.join(u.top, 'cli');
  const errors: string[] = [];
  const io = { out: () => undefined, err: (text: string) => errors.push(text) };
  assert.equal(await stubCommand([u.universe.extras, '--out', out], io), 0);
  const file = path.join(u.universe.extras, 'pkgs/by-name/fd-extra.nix');
  await fs.writeFile(file, '{ }: { }\n');
  assert.equal(await stubCommand([u.universe.extras, '--out', out], io), 1);
  assert.match(errors.join(''), /uncommitted \.nix changes.*--allow-dirty/);
  assert.equal(await stubCommand([u.universe.extras, '--out', out, '--allow-dirty'], io), 0);
  await fs.rm(file);
  assert.equal(await stubCommand(['--out'], io), 2);
  const index = validateIndex(parseJson(await fs.readFile(path.join(out, 'index.json')), 'index'));
  assert.deepEqual(index.domains.extras!.map((e) => e.revision).sort(), [
    u.universe.revisions.extras,
    `${u.universe.revisions.extras}-dirty`,
  ]);
});
