// Every wait of the test client is bounded and says what did not arrive. Against broken servers —
// one that never answers, one that answers `initialize` and then nothing, one that exits at once —
// the only stand-ins here: small scripts written to a temp folder, because a broken server is
// what the real one must never be. The rest runs against the real server (dist/server.js).
import { PROBLEM_NOTIFICATION } from '../../shared/protocol';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { LspClient } from '../../server/src/cli/lspClient';
import { FIXTURE } from '../helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nd-waits-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a stand-in server script; it records its pid so the test can see it is gone. */
function standIn(name: string, body: string): { script: string; pidFile: string } {
  const script = path.join(tmp, `${name}.js`);
  const pidFile = path.join(tmp, `${name}.pid`);
  writeFileSync(script, `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n${body}\n`);
  return { script, pidFile };
}

/** Reads stdin forever and never writes: a server that hangs before answering anything. */
const NEVER_ANSWERS = 'process.stdin.resume();';

/** Answers `initialize` (JSON-RPC over stdio, Content-Length framing), then reads and ignores everything. */
const ANSWERS_INITIALIZE_ONLY = String.raw`
let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
    buffer = buffer.subarray(end + 4 + length);
    if (message.method === 'initialize') {
      const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { capabilities: {} } });
      process.stdout.write('Content-Length: ' + Buffer.byteLength(body) + '\r\n\r\n' + body);
    }
  }
});`;

/** Resolves once the process `pid` no longer exists; fails after `ms` saying so. */
async function gone(pid: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid} is still running ${ms} ms after it was to be killed`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a server that never answers fails start() with what did not arrive, and is killed', async () => {
  const { script, pidFile } = standIn('never', NEVER_ANSWERS);
  // Long enough for the stand-in to start and write its pid on a loaded machine (at 300 ms it
  // was sometimes killed before it had).
  await assert.rejects(
    LspClient.start(tmp, script, undefined, { startMs: 3_000 }),
    new RegExp(`^Error: the answer to initialize from ${script.replace(/[.]/g, '\\.')} did not arrive within 3000 ms$`),
  );
  await gone(Number(readFileSync(pidFile, 'utf8')));
});

test('a server that exits fails the wait at once, saying how it exited', async () => {
  const { script } = standIn('exits', 'process.exit(3);');
  // The bound is far away: the failure comes from the exit, and the message says so.
  await assert.rejects(
    LspClient.start(tmp, script, undefined, { startMs: 600_000 }),
    /the answer to initialize .* did not arrive: the server exited with code 3/,
  );
});

test('after initialize, a silent server fails requests, the index wait and diagnostics with their own messages; stop() kills it', async () => {
  const { script, pidFile } = standIn('initialize-only', ANSWERS_INITIALIZE_ONLY);
  const client = await LspClient.start(tmp, script, undefined, { waitMs: 200 });
  try {
    await assert.rejects(
      client.request('textDocument/hover', {}),
      /^Error: the answer to textDocument\/hover did not arrive within 200 ms$/,
    );
    await assert.rejects(client.waitForIndex(), /the answer to nixDomains\/status did not arrive within 200 ms/);
    const uri = URI.file(path.join(tmp, 'x.nix')).toString();
    await assert.rejects(
      client.nextDiagnostics(uri),
      new RegExp(`^Error: diagnostics for ${uri.replace(/[.]/g, '\\.')} did not arrive within 200 ms$`),
    );
    await assert.rejects(
      client.waitForNotification(PROBLEM_NOTIFICATION),
      /a nixDomains\/problem notification did not arrive within 200 ms/,
    );
  } finally {
    await client.stop(200);
  }
  assert.equal(client.process.signalCode, 'SIGKILL', 'killed: it never answered shutdown');
  await gone(Number(readFileSync(pidFile, 'utf8')));
});

test('the real server: diagnostics already published are found; diagnostics never published fail in time', async () => {
  const client = await LspClient.start(FIXTURE, SERVER);
  try {
    await client.waitForIndex();
    const file = path.join(FIXTURE, 'pkgs/by-name/he/hello/package.nix');
    const published = client.nextDiagnostics(URI.file(file).toString());
    const uri = await client.open(file, readFileSync(file, 'utf8'));
    const first = await published;
    assert.ok(
      first.diagnostics.some((d) => /mystery-dependency/.test(String(d.message))),
      JSON.stringify(first.diagnostics),
    );
    // Asked after they came: the latest diagnostics answer at once (a 1 ms bound could not wait for more).
    const again = await client.diagnosticsWhere(uri, (p) => p.diagnostics.length === first.diagnostics.length, 'the same diagnostics', 1);
    assert.deepEqual(again, first);
    // No file is opened here, so no diagnostics come for it.
    const never = URI.file(path.join(FIXTURE, 'pkgs/by-name/zl/zlib/package.nix')).toString();
    await assert.rejects(
      client.diagnosticsWhere(never, () => true, 'any', 300),
      new RegExp(`diagnostics for ${never.replace(/[.]/g, '\\.')} where any did not arrive within 300 ms`),
    );
  } finally {
    await client.stop();
  }
  assert.equal(client.process.exitCode, 0, 'the real server shuts down cleanly');
});
