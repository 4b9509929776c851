// Untrusted input refused, each with a clear message, and the store answering again afterwards.
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, shardFor, sha256 } from '../../server/src/analysis/stubs/format';
import { StubCache } from '../../server/src/analysis/stubs/cache';
import { httpGet } from '../../server/src/analysis/stubs/sources/http';
import { StubStore } from '../../server/src/analysis/stubs/store';
import { parseJson, validateRoot } from '../../server/src/analysis/stubs/validate';
import { collectLog, serveFolder, universeWithStubs, type StubServer, type UniverseWithStubs } from './helpers';

let u: UniverseWithStubs;
let server: StubServer;
let rev: string;
let rootPath: string;
let rootBytes: Buffer;
before(async () => {
  u = await universeWithStubs();
  server = await serveFolder(u.stubs);
  rev = u.universe.revisions.core!;
  rootPath = `/core/${rev}/root.json`;
  rootBytes = await fs.readFile(path.join(u.stubs, 'core', rev, 'root.json'));
});
after(async () => {
  await server.close();
  await u.remove();
});

let caches = 0;
/**
 * A fresh store (own cache) as rust sees core over HTTP; its log lines. HTTP keeps the store's own
 * timeouts unless `http` sets one: only the test of a server that never finishes does.
 */
function store(http = {}, maxBytes?: number) {
  const { lines, log } = collectLog();
  const s = new StubStore({
    workspaceRoot: u.universe.rust,
    cache: path.join(u.top, `cache-${caches++}`),
    log,
    retryAfterMs: 0,
    maxBytes,
    domains: { core: { stubs: server.url } },
    http,
  });
  return { s, lines };
}

/** Serves `body` for one path for the duration of `fn`. */
async function serving(urlPath: string, body: Buffer | string, fn: () => Promise<void>): Promise<void> {
  server.handlers.set(urlPath, (_req, res) => res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body));
  try {
    await fn();
  } finally {
    server.handlers.delete(urlPath);
  }
}

/** A shard of the real root with its content replaced, and the root re-hashed to match (a consistent but malicious stub). */
function tamperedShard(edit: (shard: Record<string, unknown>) => void): { root: string; shardPath: string; shard: string } {
  const root = JSON.parse(rootBytes.toString('utf8'));
  const ref = shardFor(root.shards as { from: string; file: string; sha256: string; size: number }[], 'openssl')!;
  const shard = {
    domain: 'core',
    format: 'nix-domains/stub',
    imports: {},
    aliases: {},
    from: ref.from,
    version: 2,
    packages: [] as unknown[],
  };
  edit(shard);
  const text = canonicalJson(shard);
  ref.sha256 = sha256(text);
  ref.size = Buffer.byteLength(text);
  return { root: canonicalJson(root), shardPath: `/core/${rev}/${ref.file}`, shard: text };
}

async function refuses(body: string | Buffer, pattern: RegExp, urlPath = rootPath): Promise<void> {
  await serving(urlPath, body, async () => {
    const { s, lines } = store();
    await assert.rejects(s.lookup('core', 'openssl'), pattern);
    assert.ok(
      lines.some((l) => pattern.test(l)),
      `log says why: ${lines.join(' | ')}`,
    );
  });
  // The next store, with the real data back, answers.
  assert.equal((await store().s.lookup('core', 'openssl'))?.attr, 'openssl');
}

test('corrupt and truncated JSON are refused', async () => {
  await refuses('{"format": nix', /not valid JSON/);
  await refuses(rootBytes.subarray(0, rootBytes.length - 40), /not valid JSON .*truncated or corrupt/);
});

test('a root of another format version, wrong types or absurd sizes is refused naming the field', async () => {
  const root = JSON.parse(rootBytes.toString('utf8'));
  await refuses(JSON.stringify({ ...root, version: 99 }), /version 99 is not supported/);
  await refuses(JSON.stringify({ ...root, shards: 'many' }), /shards must be a list, not the string "many"/);
  await refuses(JSON.stringify({ ...root, packages: 1e12 }), /packages is 1000000000000, outside/);
  await refuses(JSON.stringify({ ...root, revision: 'f'.repeat(40) }), /revision is "f{40}", expected/);
});

test('a shard whose bytes do not match the hash in the root is refused', async () => {
  const ref = shardFor(validateRoot(parseJson(rootBytes, 'root'), 'core', rev).shards, 'openssl')!;
  const shardPath = `/core/${rev}/${ref.file}`;
  const bytes = await fs.readFile(path.join(u.stubs, 'core', rev, ref.file));
  await refuses(Buffer.from(bytes.toString('utf8').replace('3.0.13', '6.6.66')), /sha256 \w+… does not match/, shardPath);
});

test('paths leaving the domain are refused, in a shard and in a root', async () => {
  for (const [file, why] of [
    ['../../../etc/passwd', /leaves the domain/],
    ['/etc/passwd', /is absolute/],
    ['C:/x.nix', /is absolute/],
  ] as const) {
    const bad = tamperedShard((shard) => {
      shard.packages = [
        { attr: 'openssl', file, pos: [0, 0], inputs: [], unresolved: [], maintainers: [], dependants: [], direct: 0, closure: 0 },
      ];
    });
    await serving(rootPath, bad.root, () =>
      serving(bad.shardPath, bad.shard, async () => {
        const { s, lines } = store();
        await assert.rejects(s.lookup('core', 'openssl'), why);
        assert.ok(lines.some((l) => why.test(l)));
      }),
    );
  }
  const root = JSON.parse(rootBytes.toString('utf8'));
  root.lib = [{ name: 'lib.evil', file: '../rust/flake.nix', pos: [0, 0] }];
  await refuses(JSON.stringify(root), /lib\[0\]\.file "\.\.\/rust\/flake\.nix" leaves the domain/);
});

test('an oversized response is refused (announced, and streamed without a length)', async () => {
  const { s, lines } = store({}, 1000);
  await assert.rejects(s.lookup('core', 'openssl'), /\d+ bytes announced, the limit is 1000/);
  assert.ok(lines.length > 0);
  server.handlers.set(rootPath, (_req, res) => {
    res.writeHead(200); // chunked: no Content-Length
    res.end(Buffer.alloc(5000, 32));
  });
  try {
    await assert.rejects(store({}, 1000).s.lookup('core', 'openssl'), /more than 1000 bytes/);
  } finally {
    server.handlers.delete(rootPath);
  }
});

test('a server that hangs is given up after the timeout; one that resets is reported', async () => {
  let release = () => {};
  server.handlers.set(rootPath, (_req, res) => {
    res.writeHead(200, { 'content-length': 100 });
    res.write('{');
    release = () => res.destroy();
  });
  try {
    await assert.rejects(store({ totalTimeoutMs: 300 }).s.lookup('core', 'openssl'), /no complete answer within 300 ms/);
  } finally {
    release();
  }
  server.handlers.set(rootPath, (req) => req.socket.resetAndDestroy());
  try {
    await assert.rejects(store().s.lookup('core', 'openssl'), /connection was reset|socket hang up/);
  } finally {
    server.handlers.delete(rootPath);
  }
});

test('redirects to file:// or to another host are refused; same-origin ones are followed', async () => {
  for (const [location, why] of [
    ['file:///etc/passwd', /refused redirect .* to file:\/\/\/etc\/passwd: only redirects within http:\/\/127\.0\.0\.1:\d+ are followed/],
    ['http://localhost:1/root.json', /refused redirect .* to http:\/\/localhost:1\/root\.json: only redirects within/],
  ] as const) {
    server.handlers.set(rootPath, (_req, res) => res.writeHead(302, { location }).end());
    try {
      await assert.rejects(store().s.lookup('core', 'openssl'), why);
    } finally {
      server.handlers.delete(rootPath);
    }
  }
  server.handlers.set('/moved/root.json', (_req, res) => res.writeHead(301, { location: rootPath }).end());
  try {
    const answer = await httpGet(`${server.url}moved/root.json`);
    assert.ok('bytes' in answer && answer.bytes.equals(rootBytes));
  } finally {
    server.handlers.delete('/moved/root.json');
  }
});

test('more bytes than Content-Length, and fewer, are refused', async () => {
  for (const [extra, why] of [
    ['EXTRA-BYTES', /Data after `Connection: close`|more bytes than/],
    ['', /truncated|closed after/],
  ] as const) {
    const raw = net.createServer((socket) =>
      socket.once('data', () => {
        const body = extra ? `${rootBytes.toString('utf8')}${extra}` : rootBytes.subarray(0, 100).toString('utf8');
        socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${rootBytes.length}\r\nConnection: close\r\n\r\n${body}`);
      }),
    );
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const { port } = raw.address() as net.AddressInfo;
    try {
      await assert.rejects(httpGet(`http://127.0.0.1:${port}/root.json`), why);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  }
});

test('a corrupt cache entry is dropped and fetched again, never trusted', async () => {
  const cacheDir = path.join(u.top, 'cache-corrupt');
  const first = new StubStore({ workspaceRoot: u.universe.rust, cache: cacheDir, domains: { core: { stubs: server.url } } });
  const shard = shardFor((await first.root('core')).shards, 'openssl')!;
  await first.lookup('core', 'openssl');
  const cache = new StubCache(cacheDir);
  const objectFile = path.join(cacheDir, 'stubs', 'core', 'objects', `${shard.sha256}.json`);
  await fs.writeFile(objectFile, '{"packages": []}');
  await fs.appendFile(path.join(cacheDir, 'stubs', 'core', 'roots', `${rev}.json`), ' ');
  const { lines, log } = collectLog();
  const n = server.requests.length;
  const second = new StubStore({ workspaceRoot: u.universe.rust, cache, log, domains: { core: { stubs: server.url } } });
  assert.equal((await second.lookup('core', 'openssl'))?.attr, 'openssl');
  assert.equal(server.requests.length - n, 2, 'root and shard fetched again');
  assert.ok(lines.some((l) => /dropped cache entry .*roots/.test(l)));
  assert.ok(lines.some((l) => /dropped cache entry .*objects/.test(l)));
});
