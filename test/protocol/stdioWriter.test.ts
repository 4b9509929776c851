// The server's writer over stdio: each message is on the stream when `write` returns (not a turn
// of the event loop later), framed as the LSP library frames it; and what anything in the server
// prints goes to stderr, never into the protocol on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { LspClient } from '../../server/src/cli/lspClient';
import { ImmediateStreamWriter } from '../../server/src/lsp/stdioWriter';
import { FIXTURE } from '../helpers';

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
