// Bad input, each through the real server over stdio in a temporary domain: the server answers
// the next request, tells the user once (a `nixDomains/problem` notification, or a diagnostic
// where the problem is in a file), and writes the cause to the log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { createExampleUniverse } from '../../scripts/example-universe';
import { canonicalJson, sha256 } from '../../server/src/analysis/stubs/format';
import { ZLIB, HELLO, GOOD_FILES, at, change, domain, removeTemps, startSession, temp, uriOf, type Session } from './helpers';
import { startStubServer, type StubServer } from './stubServer';

after(removeTemps);

/** The next request is answered, and still right: F12 on `zlib` in hello lands in zlib's file. */
async function answersNext(s: Session): Promise<void> {
  const text = GOOD_FILES[HELLO]!;
  const uri = await s.client.open(path.join(s.root, HELLO), text);
  const locations = await s.client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(text, 'zlib }') });
  assert.equal(locations.length, 1, 'definition of zlib answered');
  assert.equal(URI.parse(locations[0]!.uri).fsPath, path.join(s.root, ZLIB));
}

/** Opens a document and returns its first published diagnostics. */
async function diagnosticsOf(s: Session, file: string, text: string): Promise<{ code?: string | number; message: string; range: { start: { line: number } } }[]> {
  const uri = uriOf(path.join(s.root, file));
  const published = s.client.nextDiagnostics(uri);
  await s.client.open(path.join(s.root, file), text);
  return (await published).diagnostics.map((d) => ({ ...d, message: typeof d.message === 'string' ? d.message : d.message.value }));
}

/** Hover, definition, references, symbols and completion at a position all answer (null is an answer). */
async function everyFeatureAnswers(s: Session, file: string, position: { line: number; character: number }): Promise<void> {
  const textDocument = { uri: uriOf(path.join(s.root, file)) };
  await s.client.request<Hover | null>('textDocument/hover', { textDocument, position });
  await s.client.request('textDocument/definition', { textDocument, position });
  await s.client.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } });
  await s.client.request('textDocument/documentSymbol', { textDocument });
  await s.client.request('textDocument/completion', { textDocument, position });
}

async function withSession(root: string, fn: (s: Session) => Promise<void>, options: Parameters<typeof startSession>[1] = {}): Promise<Session> {
  const s = await startSession(root, options);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
  return s;
}

// ---- Nix files ------------------------------------------------------------------------------

test('malformed and truncated Nix: syntax errors are diagnostics, every feature answers', async () => {
  const malformed = '{ stdenv }:\nstdenv.mkDerivation {\n  pname = ;\n  buildInputs = [ ( } ;\n  meta = { description = "x" ];\n}\n';
  const truncated = GOOD_FILES[HELLO]!.slice(0, 60);
  const root = domain({ 'pkgs/by-name/ma/malformed/package.nix': malformed, 'pkgs/by-name/tr/truncated/package.nix': truncated });
  await withSession(root, async (s) => {
    for (const [file, text] of [['pkgs/by-name/ma/malformed/package.nix', malformed], ['pkgs/by-name/tr/truncated/package.nix', truncated]] as const) {
      const found = await diagnosticsOf(s, file, text);
      assert.ok(found.some((d) => d.code === 'syntax'), `${file}: ${JSON.stringify(found)}`);
      for (let line = 0; line < text.split('\n').length; line++) await everyFeatureAnswers(s, file, { line, character: 3 });
    }
    await answersNext(s);
  });
});

test('a binary file named .nix is left out of the index; opened, it is answered', async () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  const root = domain({ 'pkgs/by-name/bi/binary/package.nix': bytes });
  await withSession(root, async (s) => {
    const text = bytes.toString('latin1');
    await diagnosticsOf(s, 'pkgs/by-name/bi/binary/package.nix', text);
    await everyFeatureAnswers(s, 'pkgs/by-name/bi/binary/package.nix', { line: 0, character: 10 });
    await answersNext(s);
  });
});

// 50 MB of bindings takes minutes to index on a loaded 2-core machine: 5 MB in `npm test`, 50 MB with RELIABILITY_FULL=1.
const HUGE_MB = process.env.RELIABILITY_FULL ? 50 : 5;

test(`a ${HUGE_MB} MB file is indexed in chunks and never parsed whole`, async () => {
  const root = domain({}, { git: false });
  const huge = path.join(root, 'pkgs/top-level/huge.nix');
  mkdirSync(path.dirname(huge), { recursive: true });
  const out = createWriteStream(huge);
  out.write('{ lib }:\n{\n');
  let size = 0;
  for (let i = 0; size < HUGE_MB * 1024 * 1024; i++) {
    const line = `  pkg${i} = { pname = "pkg${i}"; version = "1.${i}"; description = "${'x'.repeat(40)}"; };\n`;
    size += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end('}\n');
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
  await withSession(root, async (s) => {
    await answersNext(s);
    const status = await s.client.request<{ files: number }>('nixDomains/status', {});
    assert.equal(status.files, 3);
  });
});

test('nesting 100,000 deep: lists parse, sets over the size threshold are chunked, a parse cut off by the budget is reported as not indexed', async () => {
  const deepList = `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`; // 200 KB: parsed whole
  const deepSets = `{ a = ${'{a='.repeat(100_000)}1${';}'.repeat(100_000)}; }\n`; // 500 KB: over the threshold, scanned in chunks
  const deepSelect = `{ x }:\nx${'.a'.repeat(100_000)}\n`; // 200 KB, quadratic to parse: cut off at 5 s
  const root = domain({ 'pkgs/top-level/deep-list.nix': deepList, 'pkgs/top-level/deep-sets.nix': deepSets, 'pkgs/by-name/de/deep/package.nix': deepSelect });
  await withSession(root, async (s) => {
    await diagnosticsOf(s, 'pkgs/top-level/deep-list.nix', deepList);
    await everyFeatureAnswers(s, 'pkgs/top-level/deep-list.nix', { line: 0, character: 100_000 });
    await diagnosticsOf(s, 'pkgs/top-level/deep-sets.nix', deepSets);
    await everyFeatureAnswers(s, 'pkgs/top-level/deep-sets.nix', { line: 0, character: 150_000 });
    const found = await diagnosticsOf(s, 'pkgs/by-name/de/deep/package.nix', deepSelect);
    assert.ok(found.some((d) => d.code === 'not-indexed' && /took too long/.test(d.message)), JSON.stringify(found).slice(0, 2000));
    await everyFeatureAnswers(s, 'pkgs/by-name/de/deep/package.nix', { line: 1, character: 50_000 });
    await answersNext(s);
  });
});

test('lines of 10 MB: indexed from disk, and answered when opened', async () => {
  const long = `{ stdenv }:\nstdenv.mkDerivation {\n  pname = "long";\n  version = "1";\n  blob = "${'a'.repeat(10 * 1024 * 1024)}";\n  after = 1;\n}\n`;
  const root = domain({ 'pkgs/by-name/lo/long/package.nix': long }, { git: false });
  await withSession(root, async (s) => {
    await diagnosticsOf(s, 'pkgs/by-name/lo/long/package.nix', long);
    await everyFeatureAnswers(s, 'pkgs/by-name/lo/long/package.nix', { line: 4, character: 5 * 1024 * 1024 });
    await everyFeatureAnswers(s, 'pkgs/by-name/lo/long/package.nix', at(long, 'after'));
    await answersNext(s);
  });
});

test('non-UTF-8, CRLF and a BOM: definitions and hovers land on the right line and column', async () => {
  // zlib with a BOM and CRLF lines; hello with a Latin-1 byte in a comment before the name.
  const zlib = '\ufeff{ stdenv }: stdenv.mkDerivation { pname = "zlib";\r\n  version = "1.3";\r\n}\r\n';
  const hello = Buffer.concat([
    Buffer.from('{ stdenv, zlib }:\r\n# caf'), Buffer.from([0xe9, 0xff]), Buffer.from(' \r\nstdenv.mkDerivation {\r\n  pname = "hello";\r\n  buildInputs = [ zlib ];\r\n}\r\n'),
  ]);
  const root = domain({ [ZLIB]: zlib, [HELLO]: hello });
  await withSession(root, async (s) => {
    // What an editor shows: the BOM is not part of the text, the invalid bytes are U+FFFD each.
    const helloText = hello.toString('utf8');
    const uri = await s.client.open(path.join(root, HELLO), helloText);
    const locations = await s.client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(helloText, 'zlib }') });
    assert.equal(locations.length, 1);
    assert.equal(URI.parse(locations[0]!.uri).fsPath, path.join(root, ZLIB));
    const shown = zlib.slice(1);
    // zlib's package is at its `pname`, on the BOM's line: the column counts from the text without the BOM.
    assert.deepEqual(locations[0]!.range.start, at(shown, 'pname', 0));
    const hover = await s.client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(helloText, 'zlib }') });
    assert.deepEqual(hover.range, { start: at(helloText, 'zlib }', 0), end: at(helloText, 'zlib }', 4) });
    // In the BOM file opened, a hover on `pname` covers exactly that name.
    const zlibUri = await s.client.open(path.join(root, ZLIB), shown);
    const symbols = await s.client.request<{ name: string; selectionRange: { start: unknown } }[]>('textDocument/documentSymbol', { textDocument: { uri: zlibUri } });
    assert.ok(symbols.length > 0);
    await answersNext(s);
  });
});

test('symlink loops, a dangling symlink, a FIFO and a directory named x.nix are left out', async () => {
  // Run as root, chmod 000 does not make a file unreadable; these are what cannot be read as a file.
  for (const git of [true, false]) {
    const root = domain({}, { git: false });
    symlinkSync('loop-b.nix', path.join(root, 'pkgs/loop-a.nix'));
    symlinkSync('loop-a.nix', path.join(root, 'pkgs/loop-b.nix'));
    symlinkSync('.', path.join(root, 'pkgs/self'));
    symlinkSync('..', path.join(root, 'pkgs/by-name/up'));
    symlinkSync('nowhere.nix', path.join(root, 'pkgs/dangling.nix'));
    mkdirSync(path.join(root, 'pkgs/x.nix'));
    writeFileSync(path.join(root, 'pkgs/x.nix/inner.nix'), '{ }\n');
    if (git) execFileSync('sh', ['-c', 'git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -q -m d'], { cwd: root });
    execFileSync('mkfifo', [path.join(root, 'pkgs/fifo.nix')]);
    await withSession(root, async (s) => {
      await answersNext(s);
      const status = await s.client.request<{ files: number }>('nixDomains/status', {});
      assert.equal(status.files, 3, `${git ? 'git' : 'walk'}: hello, zlib and x.nix/inner.nix`);
      await everyFeatureAnswers(s, 'pkgs/dangling.nix', { line: 0, character: 0 });
    });
  }
});

// ---- the index cache ------------------------------------------------------------------------

test('a corrupt, truncated or version-mismatched index cache is ignored and rebuilt', async () => {
  const root = domain({});
  const cacheHome = temp('nd-cache-');
  await withSession(root, async (s) => answersNext(s), { cacheHome });
  const dir = path.join(cacheHome, 'nix-domains', 'index');
  const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.idx'))!);
  const good = readFileSync(file);
  const newline = good.indexOf(0x0a);
  const header = good.toString('utf8', 0, newline);
  for (const [what, bad, why] of [
    ['corrupt', Buffer.from('\u0000\u0001garbage{{{'), /index cache .* ignored, rebuilding/],
    ['truncated', good.subarray(0, Math.floor(good.length * 0.6)), /index cache .* ignored, rebuilding/],
    ['version-mismatched', Buffer.concat([Buffer.from(header.replace(/"format":\d+/, '"format":999')), good.subarray(newline)]), /format is 999, expected/],
  ] as const) {
    writeFileSync(file, bad);
    const s = await withSession(root, async (s) => answersNext(s), { cacheHome });
    const log = [...s.client.log, ...s.client.stderr].join('\n');
    assert.match(log, why, `${what}: the cause is logged`);
    assert.notDeepEqual(readFileSync(file), bad, `${what}: rewritten`);
  }
});

// ---- the manifest ---------------------------------------------------------------------------

test('a manifest that is invalid JSON or has wrong types gets diagnostics in nix-domains.json itself', async () => {
  const root = domain({ 'nix-domains.json': '{\n  "domain": "dom",\n  "domains": { "core": { "path": "../core" }\n' });
  const manifestUri = uriOf(path.join(root, 'nix-domains.json'));
  const s = await startSession(root, { waitForIndex: false });
  try {
    const first = s.client.diagnostics.get(manifestUri) ?? await s.client.nextDiagnostics(manifestUri);
    assert.equal(first.diagnostics.length, 1);
    assert.match(String(first.diagnostics[0]!.message), /nix-domains\.json is not valid JSON/);
    await s.client.waitForIndex();
    await answersNext(s);
    // Wrong types: each at the key that holds it.
    const wrong = '{\n  "domain": 5,\n  "domains": { "core": { "stubs": 42 } },\n  "waves": { "steps": "glibc" },\n  "impact": { "stdenv": "gcc" },\n  "colour": "blue"\n}\n';
    writeFileSync(path.join(root, 'nix-domains.json'), wrong);
    const next = s.client.nextDiagnostics(manifestUri);
    await s.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: manifestUri, type: 2 }] });
    const found = (await next).diagnostics.map((d) => ({ ...d, message: String(d.message) }));
    const line = (needle: string) => at(wrong, needle).line;
    for (const [pattern, needle] of [
      [/domain must be a domain name/, '"domain"'], [/domains\.core\.stubs must be a non-empty string/, '"stubs"'],
      [/waves\.steps/, '"steps"'], [/impact\.stdenv must be a list/, '"stdenv"'], [/colour is not a known setting/, '"colour"'],
    ] as const) {
      const d = found.find((x) => pattern.test(x.message));
      assert.ok(d, `${pattern}: ${found.map((x) => x.message).join(' | ')}`);
      assert.equal(d.range.start.line, line(needle), `${pattern} at its key`);
    }
    assert.ok(s.client.log.some((l) => /domains\.core\.stubs must be a non-empty string/.test(l)), 'the cause is logged');
    await answersNext(s);
    // Fixed: the diagnostics go away.
    writeFileSync(path.join(root, 'nix-domains.json'), '{ "domain": "dom" }\n');
    const cleared = s.client.nextDiagnostics(manifestUri);
    await s.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: manifestUri, type: 2 }] });
    assert.deepEqual((await cleared).diagnostics, []);
  } finally {
    await s.stop();
  }
});

// ---- stubs and their sources, through the rust domain of the example universe ---------------

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
async function refusedOnce(why: RegExp, core: object = { stubs: stubs.url }): Promise<Session> {
  rustWith(core);
  const s = await startSession(universe.rust);
  try {
    const text = readFileSync(path.join(universe.rust, CARGO_AUDIT), 'utf8');
    const uri = await s.client.open(path.join(universe.rust, CARGO_AUDIT), text);
    const locations = await s.client.request<Location[] | null>('textDocument/definition', { textDocument: { uri }, position: at(text, 'openssl,') });
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
    assert.ok(s.client.log.some((l) => why.test(l)), `the cause is logged: ${s.client.log.join(' | ')}`);
    // The local request after all that is answered.
    const hover = await s.client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(text, 'pname') });
    assert.ok(hover === null || typeof hover === 'object');
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
  await serving(rootPath(), bad.root, () => serving(bad.shardPath, bad.shard, async () => {
    rustWith({ stubs: stubs.url });
    const s = await startSession(universe.rust);
    try {
      const text = readFileSync(path.join(universe.rust, CARGO_AUDIT), 'utf8');
      const found = await diagnosticsOf(s, CARGO_AUDIT, text);
      assert.ok(found.some((d) => d.code === 'unknown-input' && /`openssl`/.test(d.message)), JSON.stringify(found));
      const uri = uriOf(path.join(universe.rust, CARGO_AUDIT));
      assert.deepEqual(await s.client.request('textDocument/definition', { textDocument: { uri }, position: at(text, 'openssl,') }), []);
      assert.ok(s.client.log.some((l) => /fetched core/.test(l)));
    } finally {
      await s.stop();
    }
  }));
});

test('an HTTP stub server that hangs is given up after the timeout, and other requests are answered meanwhile', async () => {
  let release = () => {};
  stubs.handlers.set(rootPath(), (_req, res) => {
    res.writeHead(200, { 'content-length': 100 });
    res.write('{');
    release = () => res.destroy();
  });
  try {
    await refusedOnce(/no complete answer within 1500 ms/);
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
    const locations = await s.client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(text, 'openssl,') });
    assert.equal(locations[0]?.uri, `nix-domains:/core/${coreRev}/pkgs/by-name/op/openssl/package.nix`);
    assert.deepEqual(s.problems, []);
  } finally {
    await s.stop();
  }
});

