// The server's writer over stdio: each message is on the stream when `write` returns (not a turn
// of the event loop later), framed as the LSP library frames it; and what anything in the server
// prints goes to stderr, never into the protocol on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { LspClient } from '../../server/src/cli/lspClient';
import { ImmediateStreamWriter, madeAsWritten } from '../../server/src/lsp/stdioWriter';
import { FIXTURE, within } from '../helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

test('a message is on the stream when write returns, framed with its length in bytes', async () => {
  const stream = new PassThrough();
  const writer = new ImmediateStreamWriter(stream);
  // Characters of more than one byte in UTF-8: the header counts bytes.
  const message = { jsonrpc: '2.0', id: 1, result: { contents: 'zlib — 1.3 · “core”' } };
  const written = writer.write(message);
  // Read before anything is awaited: nothing was left for a later turn.
  const bytes = stream.read() as Buffer | null;
  assert.ok(bytes, 'the message is on the stream at once');
  const body = JSON.stringify(message);
  assert.equal(bytes.toString('utf8'), `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);
  await written;
});

/** Locations as a references answer has them, some with characters of more than one byte. */
function locations(count: number, tag = ''): { uri: string; range: unknown }[] {
  return Array.from({ length: count }, (_, i) => ({
    uri: `file:///domain/pkgs/by-name/p${i % 7}/${i % 5 === 0 ? 'pâquerette' : 'pkg'}-${i}${tag}/package.nix`,
    range: { start: { line: i, character: 2 }, end: { line: i, character: 8 } },
  }));
}

/** The bodies of the messages framed in `bytes`, each checked against its header's length in bytes. */
function bodiesIn(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headerEnd = bytes.indexOf('\r\n\r\n', at);
    assert.ok(headerEnd > at, `a header at byte ${at}`);
    const length = Number(/^Content-Length: (\d+)$/.exec(bytes.toString('ascii', at, headerEnd))?.[1]);
    const body = bytes.subarray(headerEnd + 4, headerEnd + 4 + length);
    assert.equal(body.length, length, 'the body is as long as its header says');
    out.push(body);
    at = headerEnd + 4 + length;
  }
  return out;
}

/** The messages framed in `bytes`. */
function framesIn(bytes: Buffer): unknown[] {
  return bodiesIn(bytes).map((body) => JSON.parse(body.toString('utf8')));
}

test('a long answer, written a slice at a time, is the same JSON with its length in bytes', async () => {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const writer = new ImmediateStreamWriter(stream);
  // 2,345 items: several slices, and a last one that is not full.
  const items = locations(2_345);
  const made: number[] = [];
  const written = [
    writer.write({ jsonrpc: '2.0', id: 7, result: items } as Message),
    // Made as the answer is written: nothing is made before the writer asks for it.
    writer.write({ jsonrpc: '2.0', id: 8, result: madeAsWritten(items, (item) => (made.push(1), item)) } as Message),
    writer.write({ jsonrpc: '2.0', id: 9, result: madeAsWritten(items.slice(0, 10), (item) => item) } as Message),
    // Written from each item's JSON: no item is made.
    writer.write({
      jsonrpc: '2.0',
      id: 10,
      result: madeAsWritten(
        items,
        (item) => (made.push(1), item),
        (item) => JSON.stringify(item),
      ),
    } as Message),
  ];
  await Promise.all(written);
  assert.equal(made.length, items.length, 'each item made once, and none of those written from their JSON');
  assert.deepEqual(framesIn(Buffer.concat(chunks)), [
    { jsonrpc: '2.0', id: 7, result: items },
    { jsonrpc: '2.0', id: 8, result: items },
    { jsonrpc: '2.0', id: 9, result: items.slice(0, 10) },
    { jsonrpc: '2.0', id: 10, result: items },
  ]);
  // Written from the items' JSON, the answer is the same bytes as made from the items (but its id).
  const bodies = bodiesIn(Buffer.concat(chunks)).map((body) => body.toString('utf8'));
  assert.equal(bodies[3], bodies[1]!.replace('"id":8', '"id":10'));
  // A short list is the array itself; a long one is written by any other writer as the array.
  assert.ok(Array.isArray(madeAsWritten(items.slice(0, 10), (item) => item)));
  assert.equal(JSON.stringify(madeAsWritten(items, (item) => item)), JSON.stringify(items));
});

test('long answers written back to back over a socket each arrive whole, while the socket still holds the ones before', async () => {
  // A real socket, whose writes queue while the peer has not read: the buffer kept for long
  // answers must not be written over while a write still holds it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-writer-'));
  const address = path.join(dir, 'socket');
  const received: unknown[] = [];
  const server = createServer();
  const peer = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(address, resolve));
  const socket = new Socket();
  await new Promise<void>((resolve) => socket.connect(address, resolve));
  try {
    const reader = new StreamMessageReader(await peer);
    const answers = [locations(30_000, '-a'), locations(12_000, '-b'), locations(40_000, '-c')];
    const all = new Promise<void>((resolve) =>
      reader.listen((message) => {
        received.push(message);
        if (received.length === answers.length) resolve();
      }),
    );
    const writer = new ImmediateStreamWriter(socket);
    // Not awaited one by one: the second and third are framed while the first is still queued.
    const written = answers.map((result, id) => writer.write({ jsonrpc: '2.0', id, result: madeAsWritten(result, (l) => l) } as Message));
    await within(Promise.all([...written, all]), 'the three long answers over the socket');
    assert.deepEqual(
      received,
      answers.map((result, id) => ({ jsonrpc: '2.0', id, result })),
    );
  } finally {
    socket.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an answer that fails as it is written gets one error response, and the server answers the next request', async () => {
  // The server's side of a connection, as start.ts makes it, over streams in memory.
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const server = createMessageConnection(new StreamMessageReader(toServer), new ImmediateStreamWriter(fromServer));
  server.onRequest('test/long', () =>
    madeAsWritten(locations(1_500), (l) => {
      if (l.uri.includes('-1234/')) throw new Error('no location for this place');
      return l;
    }),
  );
  server.onRequest('test/ping', () => 'pong');
  server.listen();
  const answers: { id: number; result?: unknown; error?: { message: string } }[] = [];
  const reader = new StreamMessageReader(fromServer);
  const pong = new Promise<void>((resolve) =>
    reader.listen((message) => {
      answers.push(message as unknown as (typeof answers)[number]);
      if ((message as { id?: number }).id === 2) resolve();
    }),
  );
  const send = (id: number, method: string) => {
    const body = JSON.stringify({ jsonrpc: '2.0', id, method });
    toServer.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  send(1, 'test/long');
  send(2, 'test/ping');
  try {
    // Answers are written in order: once the second is in, every answer to the first is too.
    await within(pong, 'the answer to the request after the failed one');
    const first = answers.filter((a) => a.id === 1);
    assert.equal(first.length, 1, `one answer to the failed request: ${JSON.stringify(first)}`);
    assert.match(first[0]?.error?.message ?? '', /no location for this place/);
    assert.deepEqual(
      answers.find((a) => a.id === 2),
      { jsonrpc: '2.0', id: 2, result: 'pong' },
    );
  } finally {
    server.dispose();
    reader.dispose();
  }
});

test('a write the stream fails (the client gone) rejects and is reported with its message; so is what cannot be encoded', async () => {
  const gone = new Writable({
    write(_chunk, _encoding, callback) {
      callback(new Error('EPIPE: the client is gone'));
    },
  });
  gone.on('error', () => undefined); // the writer reports it; the stream emits it as well
  const writer = new ImmediateStreamWriter(gone);
  const reported: { message: string; with?: unknown }[] = [];
  writer.onError(([error, message]) => reported.push({ message: error.message, with: message }));
  const notification = { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'hi' } };
  await assert.rejects(writer.write(notification), /EPIPE/);
  assert.ok(
    reported.some((r) => /EPIPE/.test(r.message) && r.with === notification),
    JSON.stringify(reported),
  );
  const cyclic: { jsonrpc: string; self?: unknown } = { jsonrpc: '2.0' };
  cyclic.self = cyclic;
  await assert.rejects(new ImmediateStreamWriter(new PassThrough()).write(cyclic), /circular/i);
});

test('over stdio, what the server and its index workers print goes to stderr and the protocol stays whole', {
  timeout: 60_000,
}, async () => {
  // A module loaded before the server (and, inherited, before each index worker) that prints as a
  // library might: in the main thread once the server has started, in a worker at once.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-stray-'));
  const preload = path.join(dir, 'stray.js');
  writeFileSync(
    preload,
    "if (require('node:worker_threads').isMainThread) setTimeout(() => { console.log('stray print from a library'); console.error('stray error'); }, 200);\n" +
      "else console.log('stray print from a worker');\n",
  );
  const client = await LspClient.start(FIXTURE, SERVER, undefined, {
    command: [process.execPath, '--require', preload, SERVER, '--stdio'],
    // No index cache: the server starts its index workers ahead of the first run.
    env: { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') },
  });
  try {
    await client.waitForIndex();
    // Past the prints: the server still answers, so stdout carried nothing but the protocol.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const symbols = await client.request<unknown[]>('workspace/symbol', { query: 'zlib' });
    assert.ok(Array.isArray(symbols) && symbols.length > 0, 'the server answers after the prints');
    const stderr = client.stderr.join('');
    assert.match(stderr, /stray print from a library/);
    assert.match(stderr, /stray error/);
    assert.match(stderr, /stray print from a worker/);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
