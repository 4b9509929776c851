// The real server process on the real core domain, over JSON-RPC: requests interleave while long
// work runs, a request out of time answers with what it has, cancellation is honoured, and the
// server never outlives its client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CancellationTokenSource, ResponseError, type CodeLens, type Hover, type Location } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { referencesAcross } from '../../server/src/analysis/across/references';
import { LspClient } from '../../server/src/cli/lspClient';
import { corpusClone, corpusTest } from '../corpus';
import { cursor, exited } from '../helpers';
import { at, CACHE, realSession, SERVER, unlimited } from './helpers';

const CURL = 'pkgs/by-name/cu/curl/default.nix';
const STDENV = '{ lib, std|env';
const OPENSSL = ', opensslSupport ? zlibSupport, open|ssl';

/**
 * The server on a clone of core; `slice0` makes every step of long work yield for a millisecond
 * (so long work is long however fast the machine), and no warm-up runs.
 */
async function startOn(root: string, options: { slice0?: boolean; timeoutMs?: number } = {}): Promise<LspClient> {
  const env = {
    ...process.env,
    NIX_DOMAINS_CACHE_DIR: path.join(CACHE, 'server'),
    ...(options.slice0 ? { NIX_DOMAINS_SLICE_MS: '0', NIX_DOMAINS_PAUSE_MS: '1', NIX_DOMAINS_WARMUP: '0' } : {}),
  };
  const client = await LspClient.start(root, SERVER, options.timeoutMs ? { requestTimeoutMs: options.timeoutMs } : undefined, { env });
  await client.waitForIndex();
  return client;
}

async function openAt(client: LspClient, root: string, file: string, marked: string) {
  const uri = await client.open(path.join(root, file), readFileSync(path.join(root, file), 'utf8'));
  return { textDocument: { uri }, position: cursor(root, file, marked) };
}

describe('the real server on real core', corpusTest(), () => {
  let root: string;
  before(() => {
    root = corpusClone('core');
  });

  describe('requests interleave with long work', () => {
    let client: LspClient;
    before(async () => {
      // Slowed down, work takes its time: no request may be cut for it here.
      client = await startOn(root, { slice0: true, timeoutMs: 600_000 });
    });
    after(() => client.stop());

    test('a hover is answered while references on stdenv run, and the references complete', async () => {
      const hoverAt = await openAt(client, root, CURL, OPENSSL);
      // The first hover waits half a second for the impact, then answers without it; the server
      // prepares it in the background, and hovering again now and then shows it. References then
      // have their own work ahead.
      const until = Date.now() + 300_000;
      for (;;) {
        const first = await client.request<Hover | null>('textDocument/hover', hoverAt);
        if ((first?.contents as { value: string } | undefined)?.value.includes('**Impact:**')) break;
        assert.ok(Date.now() < until, 'no hover showed the impact within 300 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const order: string[] = [];
      const references = client
        .request<Location[]>('textDocument/references', {
          ...(await openAt(client, root, CURL, STDENV)),
          context: { includeDeclaration: true },
        })
        .then((r) => {
          order.push('references');
          return r;
        });
      const hover = client.request<Hover | null>('textDocument/hover', hoverAt).then((h) => {
        order.push('hover');
        return h;
      });
      const [found, card] = await Promise.all([references, hover]);
      assert.deepEqual(order, ['hover', 'references'], 'the hover waited for the references');
      assert.match((card!.contents as { value: string }).value, /\*\*openssl/);
      assert.ok(found.length > 500, `only ${found.length} references`);
      assert.ok(found.some((l) => l.uri.endsWith(CURL)));
    });

    test('a cancelled request answers RequestCancelled, and the next one is answered', async () => {
      const source = new CancellationTokenSource();
      const params = {
        ...(await openAt(client, root, 'pkgs/by-name/zl/zlib/default.nix', '{ li|b')),
        context: { includeDeclaration: true },
      };
      const references = client.connection.sendRequest<Location[]>('textDocument/references', params, source.token);
      source.cancel();
      await assert.rejects(references, (err: unknown) => err instanceof ResponseError && err.code === -32800);
      const hover = await client.request<Hover | null>('textDocument/hover', await openAt(client, root, CURL, OPENSSL));
      assert.ok(hover);
    });

    test('the code lens of a package group resolves to what rebuilds', async () => {
      const file = 'pkgs/by-name/cu/curl/packages.nix';
      const { textDocument } = await openAt(client, root, file, 'curlMinimal = call|Package');
      const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument });
      assert.ok(lenses.length > 3);
      const resolved = await client.request<CodeLens>(
        'codeLens/resolve',
        lenses.find((l) => (l.data as { attr: string }).attr === 'curlMinimal'),
      );
      assert.match(resolved.command!.title, /^rebuilds [\d,]+ packages/);
    });
  });

  test('references on lib, more than 1,000 places written a slice at a time, name the places the analysis finds', async () => {
    const session = await realSession(root);
    const expected = await referencesAcross(session, CURL, at(session, CURL, '{ li|b'), true, unlimited());
    assert.ok(expected.length >= 1_000, `only ${expected.length} references to lib: the answer would be written whole`);
    const client = await startOn(root);
    try {
      const found = await client.request<Location[]>('textDocument/references', {
        ...(await openAt(client, root, CURL, '{ li|b')),
        context: { includeDeclaration: true },
      });
      const key = (file: string, line: number, character: number) => `${file}:${line}:${character}`;
      const served = found.map((l) => key(path.relative(root, URI.parse(l.uri).fsPath), l.range.start.line, l.range.start.character));
      const analysed = expected.map((w) => (w.kind === 'local' ? key(w.place.file, w.place.span[0], w.place.span[1]) : w.kind));
      assert.equal(served.length, analysed.length);
      // Compared as sets: assert's diff of two long arrays takes minutes.
      const servedSet = new Set(served);
      const missing = analysed.filter((k) => !servedSet.has(k));
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} places the server did not name`);
    } finally {
      await client.stop();
    }
  });

  test('a request out of time answers with what it has and the log says it was cut', async () => {
    const client = await startOn(root, { slice0: true, timeoutMs: 1 });
    try {
      const found = await client.request<Location[] | null>('textDocument/references', {
        ...(await openAt(client, root, CURL, STDENV)),
        context: { includeDeclaration: true },
      });
      assert.ok(Array.isArray(found), 'an answer, not silence');
      assert.ok(
        client.log.some((line) => /^references was cut after \d+ ms \(out of time\)/.test(line)),
        client.log.join('\n'),
      );
    } finally {
      await client.stop();
    }
  });

  test('the server exits when its stdin closes in the middle of a request', async () => {
    const client = await startOn(root, { slice0: true });
    const params = { ...(await openAt(client, root, CURL, STDENV)), context: { includeDeclaration: true } };
    void client.request('textDocument/references', params).catch(() => undefined);
    client.process.stdin!.end();
    await exited(client.process.pid!, 20_000, 'after stdin closed');
  });

  test('the server exits on `exit` in the middle of a request', async () => {
    const client = await startOn(root, { slice0: true });
    const params = { ...(await openAt(client, root, CURL, STDENV)), context: { includeDeclaration: true } };
    void client.request('textDocument/references', params).catch(() => undefined);
    await client.connection.sendNotification('exit');
    await exited(client.process.pid!, 20_000, 'after exit');
  });
});
