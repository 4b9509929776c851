// `nix-domains stub --publish` end to end with real git: core of the example universe publishes
// its stub on refs/nix-domains/stubs of its own repository (a bare repository on disk), at two
// revisions; rust, whose flake.lock pins core and whose manifest names that ref, resolves core's
// openssl through the real server at the pinned revision, and at the other once flake.lock moves.
import { FILE_CONTENT_REQUEST } from '../../shared/protocol';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { createExampleUniverse, type ExampleUniverse } from '../../scripts/example-universe';
import { LspClient } from '../../server/src/cli/lspClient';
import { parseJson, validateIndex } from '../../server/src/analysis/stubs/validate';
import { canonicalJson, sha256 } from '../../server/src/analysis/stubs/format';
import { prepareStub, type PreparedStub } from '../../server/src/analysis/stubs/generate';
import { publishStub, resolvePublishTarget, type PublishResult } from '../../server/src/analysis/stubs/publish';
import { bareRemote, git, indexed, lockInputAt, runCli, tempDir } from './helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
const REF = 'refs/nix-domains/stubs';
const OPENSSL = 'pkgs/by-name/op/openssl/package.nix';

let top: string;
let remove: () => Promise<void>;
let universe: ExampleUniverse;
let remote: string;
let revA: string;
let revB: string;

before(async () => {
  ({ dir: top, remove } = await tempDir('nix-domains-publish-'));
  universe = await createExampleUniverse(path.join(top, 'universe'));
  remote = await bareRemote(path.join(top, 'core.git'));
  await git(universe.core, 'remote', 'add', 'origin', remote);
  await git(universe.core, 'push', '-q', 'origin', 'main');
  revA = universe.revisions.core!;
});
after(() => remove());

/** Publishes core's checkout with the built CLI; the `published` part of its JSON output. */
async function publish(...extra: string[]): Promise<PublishResult> {
  const result = await runCli(['stub', universe.core, '--publish', 'origin', ...extra]);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { published: PublishResult }).published;
}

async function index(ref = REF) {
  return validateIndex(parseJson(await git(remote, 'cat-file', 'blob', `${ref}:index.json`), 'index.json'));
}

test('stub --publish pushes the checked-out revision; again changes nothing; a dirty tree is refused unless --allow-dirty', async () => {
  const first = await publish();
  assert.equal(first.changed, true);
  assert.equal(first.revision, revA);
  assert.equal(first.target, `${remote}#${REF}`);
  assert.equal(await git(remote, 'rev-parse', REF), first.commit);
  const files = (await git(remote, 'ls-tree', '-r', '--name-only', REF)).split('\n');
  assert.ok(
    files.includes('index.json') && files.includes(`core/${revA}/root.json`) && files.includes(`core/${revA}/shards/0000.json`),
    files.join('\n'),
  );
  assert.deepEqual(
    (await index()).domains.core!.map((e) => e.revision),
    [revA],
  );

  const again = await publish();
  assert.equal(again.changed, false);
  assert.equal(again.commit, first.commit);
  assert.equal(await git(remote, 'rev-list', '--count', REF), '1');

  await fs.appendFile(path.join(universe.core, OPENSSL), '# uncommitted\n');
  try {
    const refused = await runCli(['stub', universe.core, '--publish', 'origin']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /uncommitted \.nix changes; commit them, or pass --allow-dirty/);
    assert.equal(await git(remote, 'rev-parse', REF), first.commit, 'nothing was pushed');
    const dirty = await publish('--allow-dirty');
    assert.equal(dirty.revision, `${revA}-dirty`);
    assert.deepEqual((await index()).domains.core!.map((e) => e.revision).sort(), [revA, `${revA}-dirty`]);
  } finally {
    await git(universe.core, 'checkout', '--', OPENSSL);
  }
});

test('a second revision is published beside the first; files that did not change are the same blobs', async () => {
  // A new openssl two lines further down: the version and the definition's line both change.
  const file = path.join(universe.core, OPENSSL);
  const text = await fs.readFile(file, 'utf8');
  await fs.writeFile(
    file,
    text.replace('version = "3.0.13";', 'version = "3.0.14";').replace('  meta = {', '  # Two more lines\n  # before meta.\n  meta = {'),
  );
  await git(universe.core, 'commit', '-qam', 'openssl: 3.0.13 -> 3.0.14');
  revB = await git(universe.core, 'rev-parse', 'HEAD');
  await git(universe.core, 'push', '-q', 'origin', 'main');

  const second = await publish();
  assert.equal(second.changed, true);
  assert.equal(second.revision, revB);
  const listed = (await index()).domains.core!.map((e) => e.revision);
  assert.equal(listed[0], revB, 'the newest commit comes first');
  assert.ok(listed.includes(revA), 'the older revision stays');
  // The maintainer lists and the dependency graph did not change: the same blobs, stored once.
  for (const part of ['parts/maintainers-0.json', 'parts/reverse.json']) {
    assert.equal(
      await git(remote, 'rev-parse', `${REF}:core/${revB}/${part}`),
      await git(remote, 'rev-parse', `${REF}:core/${revA}/${part}`),
      part,
    );
  }
  assert.notEqual(
    await git(remote, 'rev-parse', `${REF}:core/${revB}/shards/0000.json`),
    await git(remote, 'rev-parse', `${REF}:core/${revA}/shards/0000.json`),
  );
  assert.equal(second.shared.files, 3, 'the two maintainer parts and the reverse graph were on the ref already');
  // Added: a new root and shard, index.json, and the trees and commit holding them.
  const newBlobs = (await git(remote, 'rev-list', '--objects', '--no-object-names', REF, '--not', `${REF}~1`)).split('\n');
  assert.equal(second.added.objects, newBlobs.length);
});

test('rust pinning the older revision reads openssl there through the real server; once flake.lock moves, at the newer one', async () => {
  assert.ok(revB, 'needs the second publication');
  await fs.writeFile(
    path.join(universe.rust, 'nix-domains.json'),
    JSON.stringify({
      domain: 'rust',
      domains: { core: { stubs: `git+file://${remote}#${REF}`, files: `git+file://${remote}` } },
    }),
  );
  await lockInputAt(universe.rust, 'core', revA);
  const client = await LspClient.start(universe.rust, SERVER, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: path.join(top, 'cache') },
  });
  try {
    await client.waitForIndex();
    const file = path.join(universe.rust, 'pkgs/by-name/ca/cargo-audit/package.nix');
    const text = await fs.readFile(file, 'utf8');
    const uri = await client.open(file, text);
    const offset = text.indexOf('openssl,');
    const position = { line: text.slice(0, offset).split('\n').length - 1, character: offset - text.lastIndexOf('\n', offset - 1) };
    const coreAt = async (rev: string, version: string) => {
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position });
      const card = (hover.contents as { value: string }).value;
      assert.match(card, new RegExp(`\`core\` @ \`${rev.slice(0, 12)}\``), card);
      assert.match(card, new RegExp(version.replace(/\./g, '\\.')), card);
      const [location] = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position });
      assert.equal(location?.uri, `nix-domains:/core/${rev}/${OPENSSL}`);
      const content = await client.request(FILE_CONTENT_REQUEST, { uri: location!.uri });
      const lines = content.split('\n');
      // The definition lands where meta.description is in that revision's file.
      assert.match(lines[location!.range.start.line]!, /description = /);
      assert.match(content, new RegExp(`version = "${version.replace(/\./g, '\\.')}"`));
      return location!.range.start.line;
    };
    const lineA = await coreAt(revA, '3.0.13');
    await lockInputAt(universe.rust, 'core', revB);
    // What VS Code sends for the flake.lock watcher the extension registers.
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: URI.file(path.join(universe.rust, 'flake.lock')).toString(), type: 2 }],
    });
    const lineB = await coreAt(revB, '3.0.14');
    assert.equal(lineB, lineA + 2);
  } finally {
    await client.stop();
  }
});

test("run from a git hook (GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE set), publishing leaves the checkout's repository alone", async () => {
  const gitDir = path.join(universe.core, '.git');
  const before = { refs: await git(universe.core, 'for-each-ref'), config: await fs.readFile(path.join(gitDir, 'config'), 'utf8') };
  const result = await runCli(['stub', universe.core, '--publish', 'origin'], {
    env: { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: universe.core, GIT_INDEX_FILE: path.join(gitDir, 'index') },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    (JSON.parse(result.stdout) as { published: PublishResult }).published.revision,
    await git(universe.core, 'rev-parse', 'HEAD'),
  );
  assert.equal(await git(universe.core, 'for-each-ref'), before.refs);
  assert.equal(await fs.readFile(path.join(gitDir, 'config'), 'utf8'), before.config);
});

test('a revision published again with other bytes (a newer generator) replaces its folder exactly; the other revisions stay', async () => {
  const remote = await bareRemote(path.join(top, 'replace.git'));
  const to = await resolvePublishTarget(remote, universe.core);
  const analyzer = await indexed(universe.core, 'core');
  const other = await publishStub(await prepareStub(analyzer, { revision: 'f'.repeat(40), committed: 1 }), to);
  const older = await prepareStub(analyzer);
  // As an older generator might have written it: one more file, which the new stub does not have.
  const withExtra: PreparedStub = {
    ...older,
    stub: { ...older.stub, files: new Map([...older.stub.files, ['parts/retired.json', Buffer.from('{}\n')]]) },
  };
  const first = await publishStub(withExtra, to);
  const root = JSON.parse(older.stub.files.get('root.json')!.toString('utf8')) as Record<string, unknown>;
  const newerRoot = Buffer.from(canonicalJson({ ...root, generator: 'nix-domains stub 3' }), 'utf8');
  const newer: PreparedStub = {
    ...older,
    entry: { ...older.entry, root: { sha256: sha256(newerRoot), size: newerRoot.byteLength } },
    stub: { ...older.stub, files: new Map([...older.stub.files, ['root.json', newerRoot]]) },
  };
  const second = await publishStub(newer, to);
  assert.deepEqual([first.replaced, second.changed, second.replaced, second.revisions], [false, true, true, 2]);
  const folder = `core/${older.revision}`;
  const files = (await git(remote, 'ls-tree', '-r', '--name-only', REF, `${folder}/`)).split('\n');
  assert.deepEqual(files.sort(), [...older.stub.files.keys()].map((f) => `${folder}/${f}`).sort());
  assert.match(await git(remote, 'cat-file', 'blob', `${REF}:${folder}/root.json`), /nix-domains stub 3/);
  const entries = validateIndex(parseJson(await git(remote, 'cat-file', 'blob', `${REF}:index.json`), 'index.json')).domains.core!;
  assert.deepEqual(
    entries.map((e) => e.revision),
    [older.revision, 'f'.repeat(40)],
  );
  assert.equal(entries[0]!.root.sha256, sha256(newerRoot));
  // The other revision's folder is the same tree as before.
  assert.equal(
    await git(remote, 'rev-parse', `${REF}:core/${'f'.repeat(40)}`),
    await git(remote, 'rev-parse', `${other.commit}:core/${'f'.repeat(40)}`),
  );
});

test('a ref that holds something other than stubs is refused and left as it was', async () => {
  const main = await git(remote, 'rev-parse', 'refs/heads/main');
  const result = await runCli(['stub', universe.core, '--publish', `${remote}#refs/heads/main`]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /refs\/heads\/main holds something other than stubs \(no index\.json at the top of [0-9a-f]{12}\); refusing to publish over it/,
  );
  assert.equal(await git(remote, 'rev-parse', 'refs/heads/main'), main);
});

test('bad targets and --revision with --publish are refused before anything is indexed', async () => {
  const cases: [string[], RegExp][] = [
    [['--publish', 'nowhere'], /"nowhere" is neither a remote of .* nor a URL nor a folder/],
    [['--publish', 'ext::sh -c touch% /tmp/pwned'], /refused remote "ext::sh -c touch% \/tmp\/pwned"/],
    [['--publish', `${remote}#refs/../x`], /"refs\/\.\.\/x" is not a ref to publish on/],
    [['--publish', `${remote}#main`], /"main" is not a ref to publish on: expected refs\/…/],
    [['--publish', 'origin', '--revision', 'abc'], /--publish publishes the checked-out commit/],
  ];
  for (const [args, why] of cases) {
    const result = await runCli(['stub', universe.core, ...args]);
    assert.notEqual(result.code, 0, args.join(' '));
    assert.match(result.stderr, why);
  }
  const hidden = await runCli(['stub', universe.core, '--publish', 'https://ci:s3cret-token@127.0.0.1:9/core.git'], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  assert.equal(hidden.code, 1);
  assert.match(hidden.stderr, /cannot reach https:\/\/ci:\*\*\*@127\.0\.0\.1:9\/core\.git#refs\/nix-domains\/stubs/);
  assert.doesNotMatch(hidden.stderr, /s3cret/);
});
