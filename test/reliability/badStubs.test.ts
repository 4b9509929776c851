// Bad stubs and stub sources, through the real server in the rust domain of the example universe
// (core known only by its stubs, served over loopback HTTP or a git remote): F12 into core is
// answered without a location, the user is told once, the cause is logged, and local requests
// are still answered. Nothing bad is cached: good stubs are answered again afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Location } from 'vscode-languageserver-protocol';
import { createExampleUniverse } from '../../scripts/example-universe';
import { canonicalJson, sha256 } from '../../server/src/analysis/stubs/format';
import { at, change, diagnosticsOf, removeTemps, startSession, temp, uriOf, type Session } from './helpers';
import { startStubServer, type StubServer } from './stubServer';

after(removeTemps);

let universe: Awaited<ReturnType<typeof createExampleUniverse>>;
let stubs: StubServer;
let coreRev: string;
let rootBytes: Buffer;
const CARGO_AUDIT = 'pkgs/by-name/ca/cargo-audit/package.nix';

before(async () => {
  universe = await createExampleUniverse(path.join(temp('nd-universe-'), 'universe'));
  coreRev = universe.revisions.core!;
  stubs = await startStubServer(universe.core);
  rootBytes = stubs.file(`core/${coreRev}/root.json`);
});

after(async () => {
  await stubs?.close();
});

/** The rust domain knowing core only by stubs (and files) from `stubsSpec`. */
function rustWith(core: object): void {
  writeFileSync(path.join(universe.rust, 'nix-domains.json'), JSON.stringify({ domain: 'rust', domains: { core } }));
}

/**
 * F12 on `openssl` in cargo-audit, where core's stub is bad: the server answers (no location),
 * tells the user once — also after more keystrokes and requests — and logs the cause.
 */
async function refusedOnce(why: RegExp, core: object = { stubs: stubs.url }, env: NodeJS.ProcessEnv = {}): Promise<Session> {
  rustWith(core);
  const s = await startSession(universe.rust, { env });
  try {
    const text = readFileSync(path.join(universe.rust, CARGO_AUDIT), 'utf8');
    const uri = await s.client.open(path.join(universe.rust, CARGO_AUDIT), text);
    const locations = await s.client.request<Location[] | null>('textDocument/definition', {
      textDocument: { uri },
      position: at(text, 'openssl,'),
    });
    assert.deepEqual(locations ?? [], []);
    const told = await s.problem(why);
    // Keystrokes: each edit re-checks the inputs (which asks for core's stub again), and more requests.
    for (let version = 2; version <= 5; version++) {
      const edited = text.replace('zlib,', `zlib,${' '.repeat(version)}`);
      const published = s.client.nextDiagnostics(uri);
      await change(s.client, uri, version, edited);
      await s.client.request('textDocument/hover', { textDocument: { uri }, position: at(edited, 'openssl,') });
      await s.client.request('textDocument/completion', { textDocument: { uri }, position: at(edited, 'openssl,', 3) });
      await published;
    }
    assert.equal(s.problems.filter((m) => m === told).length, 1, `told once: ${s.problems.join(' | ')}`);
    assert.ok(
      s.client.log.some((l) => why.test(l)),
      `the cause is logged: ${s.client.log.join(' | ')}`,
    );
    // A local request after all that is answered, and right: `${pname}` in the url goes to its binding.
    const local = await s.client.request<Location[]>('textDocument/definition', {
      textDocument: { uri },
      position: at(text, '${pname}', 3),
    });
    assert.deepEqual(
      local.map((l) => [l.uri, l.range.start]),
      [[uri, at(text, 'pname = ', 0)]],
    );
    return s;
  } finally {
    await s.stop();
  }
}

/** Serves `body` at one path of the stub server for the duration of `fn`. */
async function serving<T>(urlPath: string, body: string | Buffer, fn: () => Promise<T>): Promise<T> {
  stubs.handlers.set(urlPath, (_req, res) => res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body));
  try {
    return await fn();
  } finally {
    stubs.handlers.delete(urlPath);
  }
}

const rootPath = () => `/core/${coreRev}/root.json`;

/** The real root with the shard holding openssl replaced by `shard` (re-hashed, so only the content is bad). */
function withShard(edit: (shard: Record<string, unknown>) => void): { root: string; shardPath: string; shard: string } {
  const root = JSON.parse(rootBytes.toString('utf8')) as { shards: { from: string; file: string; sha256: string; size: number }[] };
  const ref = [...root.shards].reverse().find((r) => r.from <= 'openssl')!;
  const shard = JSON.parse(stubs.file(`core/${coreRev}/${ref.file}`).toString('utf8')) as Record<string, unknown>;
  edit(shard);
  const text = canonicalJson(shard);
  ref.sha256 = sha256(text);
  ref.size = Buffer.byteLength(text);
  return { root: canonicalJson(root), shardPath: `/core/${coreRev}/${ref.file}`, shard: text };
}

test('a stub with bad JSON is refused', async () => {
  await serving(rootPath(), '{"format": nix', () => refusedOnce(/refused core stub .*not valid JSON/));
  await serving(rootPath(), rootBytes.subarray(0, rootBytes.length - 40), () => refusedOnce(/refused core stub .*not valid JSON/));
});

test('a stub shard whose bytes do not match its hash is refused', async () => {
  const honest = withShard(() => {});
  const tampered = honest.shard.replace('"openssl"', '"opensxl"');
  await serving(honest.shardPath, tampered, () => refusedOnce(/refused core.* sha256 \w+… does not match/));
});

test('a stub with paths leaving the domain is refused', async () => {
  const bad = withShard((shard) => {
    const pkg = (shard.packages as { attr: string; file: string }[]).find((p) => p.attr === 'openssl')!;
    pkg.file = '../../../etc/passwd';
  });
  await serving(rootPath(), bad.root, () => serving(bad.shardPath, bad.shard, () => refusedOnce(/leaves the domain/)));
});

test('a stub with absurd sizes is refused', async () => {
  const root = JSON.parse(rootBytes.toString('utf8'));
  await serving(rootPath(), JSON.stringify({ ...root, packages: 1e12 }), () => refusedOnce(/packages is 1000000000000, outside/));
});

test('a stub whose aliases form a cycle is answered (the name stays unknown), not followed forever', async () => {
  const bad = withShard((shard) => {
    shard.packages = (shard.packages as { attr: string }[]).filter((p) => p.attr !== 'openssl');
    shard.aliases = { ...(shard.aliases as object), openssl: 'openssl' };
  });
  await serving(rootPath(), bad.root, () =>
    serving(bad.shardPath, bad.shard, async () => {
      rustWith({ stubs: stubs.url });
      const s = await startSession(universe.rust);
      try {
        const text = readFileSync(path.join(universe.rust, CARGO_AUDIT), 'utf8');
        const found = await diagnosticsOf(s, CARGO_AUDIT, text);
        assert.ok(
          found.some((d) => d.code === 'unknown-input' && /`openssl`/.test(d.message)),
          JSON.stringify(found),
        );
        const uri = uriOf(path.join(universe.rust, CARGO_AUDIT));
        assert.deepEqual(await s.client.request('textDocument/definition', { textDocument: { uri }, position: at(text, 'openssl,') }), []);
        assert.ok(s.client.log.some((l) => /fetched core/.test(l)));
      } finally {
        await s.stop();
      }
    }),
  );
});

test('an HTTP stub server that hangs is given up after the timeout, and other requests are answered meanwhile', async () => {
  let release = () => {};
  stubs.handlers.set(rootPath(), (_req, res) => {
    res.writeHead(200, { 'content-length': 100 });
    res.write('{');
    release = () => res.destroy();
  });
  try {
    // Only here is the server's HTTP timeout short: the stub server never finishes its answer.
    await refusedOnce(/no complete answer within 1500 ms/, { stubs: stubs.url }, { NIX_DOMAINS_HTTP_TIMEOUT_MS: '1500' });
  } finally {
    release();
    stubs.handlers.delete(rootPath());
  }
});

test('an HTTP stub server that resets the connection is reported', async () => {
  stubs.handlers.set(rootPath(), (req) => req.socket.resetAndDestroy());
  try {
    await refusedOnce(/connection was reset|socket hang up/);
  } finally {
    stubs.handlers.delete(rootPath());
  }
});

test('redirects to file:// and to another host are refused', async () => {
  for (const [location, why] of [
    ['file:///etc/passwd', /refused redirect .* to file:\/\/\/etc\/passwd: only redirects within/],
    ['http://localhost:1/root.json', /refused redirect .* to http:\/\/localhost:1\/root\.json: only redirects within/],
  ] as const) {
    stubs.handlers.set(rootPath(), (_req, res) => res.writeHead(302, { location }).end());
    try {
      await refusedOnce(why);
    } finally {
      stubs.handlers.delete(rootPath());
    }
  }
});

test('an HTTP stub server that sends more bytes than announced is refused', async () => {
  // Written to the socket as is, past the HTTP framing of Node's server.
  const raw = `HTTP/1.1 200 OK\r\nContent-Length: ${rootBytes.length}\r\nConnection: close\r\n\r\n${rootBytes.toString('utf8')}EXTRA-BYTES`;
  stubs.handlers.set(rootPath(), (req) => req.socket.end(raw));
  try {
    await refusedOnce(/Data after `Connection: close`|more bytes than/);
  } finally {
    stubs.handlers.delete(rootPath());
  }
});

test('a git remote that fails is reported', async () => {
  const missing = path.join(temp('nd-git-'), 'missing.git');
  await refusedOnce(/refused core stub from .*missing\.git/, { stubs: `git+file://${missing}#refs/nix-domains/stubs` });
});

test('the rust domain answers again with good stubs (nothing bad was cached)', async () => {
  rustWith({ stubs: stubs.url, files: `${stubs.url}files/{rev}/{path}` });
  const s = await startSession(universe.rust);
  try {
    const text = readFileSync(path.join(universe.rust, CARGO_AUDIT), 'utf8');
    const uri = await s.client.open(path.join(universe.rust, CARGO_AUDIT), text);
    const locations = await s.client.request<Location[]>('textDocument/definition', {
      textDocument: { uri },
      position: at(text, 'openssl,'),
    });
    assert.equal(locations[0]?.uri, `nix-domains:/core/${coreRev}/pkgs/by-name/op/openssl/package.nix`);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.stop();
  }
});
