// Publishing the real core (the Aux project's repository, from the corpus bundles) at two of its
// revisions, and the real javascript domain, whose flake.lock pins core, reading it through the
// published ref: at the older pin `nixdoc` does not exist yet (it came in 62be37a), at the newer
// one it does, and `libuv`, which nodejs takes from core, is found at the pinned revision.
import { FILE_CONTENT_REQUEST } from '../../shared/protocol';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Location, SymbolInformation } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { LspClient } from '../../server/src/cli/lspClient';
import { StubStore } from '../../server/src/analysis/stubs/store';
import type { PublishResult } from '../../server/src/analysis/stubs/publish';
import { cloneFresh, corpusTest } from '../corpus';
import { bareRemote, git, lockInputAt, runCli, tempDir } from './helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
const REF = 'refs/nix-domains/stubs';
/** core before `nixdoc: init` (the stdenv merge), and core's head. */
const OLDER = '4d829429cae3c795902f3dc0358d6089b8d71b1e';
const NEWER = 'fe3e015b6b9f8ea4149423d0178cb05e6029fed1';

describe('the real core published at two revisions, read by the real javascript domain', corpusTest(), () => {
  let top: string;
  let remove: () => Promise<void>;
  let remote: string;
  let javascript: string;
  const published: PublishResult[] = [];

  before(async () => {
    ({ dir: top, remove } = await tempDir('nix-domains-publish-corpus-'));
    // core has no manifest: the domain is named after its folder, as a CI checkout of auxolotl/core would be.
    const core = cloneFresh('core');
    assert.equal(path.basename(core), 'core');
    remote = await bareRemote(path.join(top, 'core.git'));
    await git(core, 'remote', 'add', 'publish', remote);
    await git(core, 'push', '-q', 'publish', 'main');
    for (const rev of [OLDER, NEWER]) {
      await git(core, 'checkout', '-q', rev);
      const result = await runCli(['stub', core, '--publish', `publish#${REF}`]);
      assert.equal(result.code, 0, result.stderr);
      published.push((JSON.parse(result.stdout) as { published: PublishResult }).published);
    }
    javascript = cloneFresh('javascript', 'javascript-pinned');
    await fs.writeFile(
      path.join(javascript, 'nix-domains.json'),
      JSON.stringify({
        domain: 'javascript',
        domains: { core: { stubs: `git+file://${remote}#${REF}`, files: `git+file://${remote}` } },
      }),
    );
    await lockInputAt(javascript, 'core', OLDER);
  });
  after(() => remove());

  test("the second publication stores only what changed; the first one's unchanged shards are shared", () => {
    const [first, second] = published;
    assert.equal(first!.revisions, 1);
    assert.equal(second!.revisions, 2);
    assert.ok(second!.shared.files > 0, 'some shards did not change in ten commits');
    assert.ok(
      second!.added.bytes < first!.added.bytes,
      `${second!.added.bytes} bytes added, the first publication added ${first!.added.bytes}`,
    );
  });

  test('the analysis API reads core at the pinned revision, and at the new pin once flake.lock moves', async () => {
    const store = await StubStore.forDomain(javascript, { cache: path.join(top, 'cache-api') });
    assert.equal((await store.root('core')).revision, OLDER);
    assert.equal(await store.lookup('core', 'nixdoc'), undefined);
    assert.equal((await store.lookup('core', 'libuv'))?.version, '1.48.0');
    await lockInputAt(javascript, 'core', NEWER);
    try {
      assert.equal((await store.root('core')).revision, NEWER);
      assert.equal((await store.lookup('core', 'nixdoc'))?.file, 'pkgs/by-name/ni/nixdoc/default.nix');
    } finally {
      await lockInputAt(javascript, 'core', OLDER);
    }
  });

  test("through the real server: nodejs's libuv goes to core at the pin, nixdoc is found only at the newer one", async () => {
    // Which revision answers is the point here, not how fast: on a loaded machine the default
    // 2 s request budget can cut the stub search short (it then answers with what it has).
    const client = await LspClient.start(
      javascript,
      SERVER,
      { requestTimeoutMs: 60_000 },
      {
        env: { ...process.env, XDG_CACHE_HOME: path.join(top, 'cache-server') },
      },
    );
    try {
      await client.waitForIndex();
      const file = path.join(javascript, 'runtimes/nodejs/nodejs.nix');
      const text = await fs.readFile(file, 'utf8');
      const uri = await client.open(file, text);
      const offset = text.indexOf('  libuv,') + 3;
      const position = { line: text.slice(0, offset).split('\n').length - 1, character: offset - text.lastIndexOf('\n', offset - 1) - 1 };
      const definitionAt = async (rev: string) => {
        const [location] = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position });
        assert.equal(location?.uri, `nix-domains:/core/${rev}/pkgs/by-name/li/libuv/default.nix`);
        assert.match(await client.request(FILE_CONTENT_REQUEST, { uri: location!.uri }), /pname = "libuv"/);
      };
      const nixdoc = async () =>
        (await client.request<SymbolInformation[]>('workspace/symbol', { query: 'nixdoc' })).filter((s) => s.name === 'nixdoc');
      await definitionAt(OLDER);
      assert.deepEqual(await nixdoc(), []);
      await lockInputAt(javascript, 'core', NEWER);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: URI.file(path.join(javascript, 'flake.lock')).toString(), type: 2 }],
      });
      await definitionAt(NEWER);
      const found = await nixdoc();
      assert.equal(found.length, 1);
      assert.equal(found[0]!.location.uri, `nix-domains:/core/${NEWER}/pkgs/by-name/ni/nixdoc/default.nix`);
    } finally {
      await client.stop();
      await lockInputAt(javascript, 'core', OLDER);
    }
  });
});
