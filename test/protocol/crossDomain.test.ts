// Cross-domain navigation through the real server: the `rust` domain of the example universe
// knows `core` only through stubs served by a real HTTP server on loopback (no local checkout),
// and core's files are fetched one at a time for read-only documents.
import { FILE_CONTENT_REQUEST } from '../../shared/protocol';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';
import { createExampleUniverse } from '../../scripts/example-universe';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
let tmp: string;
let rust: string;
let coreRev: string;
let server: http.Server;
let requests: string[] = [];
let bytesServed = 0;
let cacheHome: string;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'nd-cross-'));
  const universe = await createExampleUniverse(path.join(tmp, 'universe'));
  rust = universe.rust;
  coreRev = universe.revisions.core!;
  const stubs = path.join(tmp, 'stubs');
  execFileSync(process.execPath, [CLI, 'stub', universe.core, '--out', stubs]);
  // A static server for the stub folder, and core's files at a revision under /files/<rev>/<path>.
  server = http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '/');
    requests.push(url);
    const file = url.startsWith('/files/') ? path.join(universe.core, url.split('/').slice(3).join('/')) : path.join(stubs, url);
    if (!file.startsWith(url.startsWith('/files/') ? universe.core : stubs) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    bytesServed += statSync(file).size;
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The rust domain knows core only by its stubs (no local checkout): the manifest says where they are.
  writeFileSync(
    path.join(rust, 'nix-domains.json'),
    JSON.stringify({
      domain: 'rust',
      domains: { core: { stubs: `${base}/`, files: `${base}/files/{rev}/{path}` } },
    }),
  );
  cacheHome = path.join(tmp, 'cache');
});

after(() => {
  server.close();
});

async function startRust(): Promise<LspClient> {
  const client = await LspClient.start(rust, SERVER, undefined, { env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  await client.waitForIndex();
  return client;
}

const CARGO_AUDIT = () => path.join(rust, 'pkgs/by-name/ca/cargo-audit/package.nix');

function at(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length + 1 };
}

test('nothing is fetched at start-up', async () => {
  requests = [];
  const client = await startRust();
  try {
    assert.deepEqual(requests, []);
  } finally {
    await client.stop();
  }
});

test('go to definition of an input lands in core at the locked revision, as a read-only document fetched alone', async () => {
  requests = [];
  bytesServed = 0;
  const client = await startRust();
  try {
    const text = readFileSync(CARGO_AUDIT(), 'utf8');
    const uri = await client.open(CARGO_AUDIT(), text);
    const locations = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri },
      position: at(text, 'openssl,'),
    });
    assert.equal(locations.length, 1);
    assert.equal(locations[0]!.uri, `nix-domains:/core/${coreRev}/pkgs/by-name/op/openssl/package.nix`);
    const content = await client.request(FILE_CONTENT_REQUEST, { uri: locations[0]!.uri });
    assert.match(content, /pname = "openssl"/);
    assert.ok(
      requests.some((r) => r === `/files/${coreRev}/pkgs/by-name/op/openssl/package.nix`),
      requests.join(),
    );
    assert.ok(bytesServed <= 256 * 1024, `${bytesServed} bytes`);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(text, 'openssl,') });
    assert.match((hover.contents as { value: string }).value, /`core` @ `/);
  } finally {
    await client.stop();
  }
});

test('a maintainer of another domain hovers with its entry, read as one byte range', async () => {
  requests = [];
  const client = await startRust();
  try {
    const text = readFileSync(CARGO_AUDIT(), 'utf8');
    const uri = await client.open(CARGO_AUDIT(), text);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(text, '_0x4A6F') });
    assert.match((hover.contents as { value: string }).value, /_0x4A6F/);
    assert.match((hover.contents as { value: string }).value, /From domain `core`/);
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri },
      position: at(text, '_0x4A6F'),
      context: { includeDeclaration: false },
    });
    assert.ok(
      refs.some((r) => r.uri.endsWith('/cargo-audit/package.nix')),
      JSON.stringify(refs),
    );
    const definition = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri },
      position: at(text, '_0x4A6F'),
    });
    assert.equal(definition[0]?.uri, `nix-domains:/core/${coreRev}/maintainers/maintainer-list.nix`);
    // Completion of handles from core's stub, and a diagnostic for a handle in no list.
    const edited = text.replace('      zoe\n', '      zo\n');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: edited }],
    });
    const completion = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { ...at(edited, 'zo\n'), character: at(edited, 'zo\n').character + 1 },
    });
    assert.ok(
      completion.items.some((i) => i.label === 'zoe'),
      JSON.stringify(completion.items.slice(0, 5)),
    );
    // Published after the edit, possibly before the completion was answered: the latest count too.
    const { diagnostics } = await client.diagnosticsWhere(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'unknown-maintainer'),
      'an unknown-maintainer diagnostic is listed',
    );
    assert.match(String(diagnostics.find((d) => d.code === 'unknown-maintainer')!.message), /`zo` is in no maintainers list of `core`/);
  } finally {
    await client.stop();
  }
});

test('a second session works with the network gone', async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const client = await startRust();
  try {
    const text = readFileSync(CARGO_AUDIT(), 'utf8');
    const uri = await client.open(CARGO_AUDIT(), text);
    const locations = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri },
      position: at(text, 'openssl,'),
    });
    assert.equal(locations[0]?.uri, `nix-domains:/core/${coreRev}/pkgs/by-name/op/openssl/package.nix`);
    const content = await client.request(FILE_CONTENT_REQUEST, { uri: locations[0]!.uri });
    assert.match(content, /pname = "openssl"/);
  } finally {
    await client.stop();
  }
});
