// Load on the real server over stdio, on the `small` generated core domain: 1,000 rapid edits
// interleaved with hovers and completions (some cancelled), then 100 concurrent requests.
// Every request is answered or cancelled; memory is reported (and only bounded generously).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { generateUniverse } from '../../scripts/bench-gen';
import type { DocumentSymbol, Range } from 'vscode-languageserver-protocol';
import { change, removeTemps, startSession, temp, type Session } from './helpers';

let s: Session;
let core: string;
after(async () => {
  await s?.stop();
  removeTemps();
});

before(async () => {
  const out = temp('nd-load-');
  await generateUniverse({ out, scale: 'small' });
  core = path.join(out, 'core');
  s = await startSession(core, { env: { NIX_DOMAINS_INDEX_WORKERS: '' } });
});

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
}

/** Settles a request: its answer, or a cancellation; any other error fails the test. */
async function answeredOrCancelled(request: Promise<unknown>): Promise<'answered' | 'cancelled'> {
  try {
    await request;
    return 'answered';
  } catch (err) {
    if (err instanceof ResponseError && (err.code === LSPErrorCodes.RequestCancelled || err.code === LSPErrorCodes.ServerCancelled))
      return 'cancelled';
    throw err;
  }
}

/** The first by-name package file of the generated domain. */
function firstPackageFile(root: string): string {
  const base = path.join(root, 'pkgs', 'by-name');
  const shard = readdirSync(base).sort()[0]!;
  const name = readdirSync(path.join(base, shard)).sort()[0]!;
  return path.join(base, shard, name, 'package.nix');
}

test('1,000 rapid edits interleaved with hovers and completions, some cancelled; then 100 concurrent requests; memory settles', async () => {
  const pid = s.client.process.pid!;
  const file = firstPackageFile(core);
  const original = readFileSync(file, 'utf8');
  const uri = await s.client.open(file, original);
  const formals = original.indexOf('{');
  const line = original.slice(0, formals).split('\n').length - 1;
  const symbolsBefore = await s.client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.ok(symbolsBefore.length > 0, 'the package file has an outline');
  const rssStart = rssKb(pid);
  const pending: Promise<'answered' | 'cancelled'>[] = [];
  const cancelledByClient = new Set<number>();
  let text = original;
  const started = Date.now();
  for (let version = 2; version <= 1001; version++) {
    // Typing in a comment at the top, one character at a time, with a backspace now and then;
    // the last edit adds a second comment line, so only the final text moves the code two lines down.
    text =
      version % 7 === 0
        ? text.replace(/^# x+\n/, (m) => `${m.slice(0, -2)}\n`)
        : text.startsWith('# ')
          ? text.replace(/^# /, '# x')
          : `# x\n${text}`;
    if (version === 1001) text = `# done\n${text}`;
    await change(s.client, uri, version, text);
    if (version % 5 !== 0) continue;
    const position = { line: line + 1, character: 4 };
    const method = version % 10 === 0 ? 'textDocument/completion' : 'textDocument/hover';
    if (version % 20 === 0) {
      const source = new CancellationTokenSource();
      cancelledByClient.add(pending.length);
      const sent = s.client.connection.sendRequest(method, { textDocument: { uri }, position }, source.token);
      pending.push(answeredOrCancelled(s.client.within(sent, `the answer to a cancelled ${method}, or its cancellation`)));
      source.cancel();
    } else {
      pending.push(answeredOrCancelled(s.client.request(method, { textDocument: { uri }, position })));
    }
  }
  const outcomes = await Promise.all(pending);
  const editMs = Date.now() - started;
  // The server may decline a request it has not started (RequestCancelled), but only one the client cancelled.
  const declined = outcomes.flatMap((o, i) => (o === 'cancelled' && !cancelledByClient.has(i) ? [i] : []));
  assert.deepEqual(declined, [], 'requests the client did not cancel are answered');
  // The server has the last version: its outline is the first one, two lines further down.
  assert.equal(text.split('\n').length, original.split('\n').length + 2);
  const symbolsAfter = await s.client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbolsAfter, shifted(symbolsBefore, 2));
  const rssAfterEdits = rssKb(pid);

  const concurrent: Promise<'answered' | 'cancelled'>[] = [];
  const methods = [
    'textDocument/hover',
    'textDocument/definition',
    'textDocument/completion',
    'textDocument/references',
    'textDocument/documentSymbol',
  ];
  const concurrentStart = Date.now();
  for (let i = 0; i < 100; i++) {
    const method = methods[i % methods.length]!;
    const params = {
      textDocument: { uri },
      position: { line: line + (i % 6), character: 2 + (i % 9) },
      context: { includeDeclaration: true },
    };
    concurrent.push(answeredOrCancelled(s.client.request(method, params)));
  }
  const concurrentOutcomes = await Promise.all(concurrent);
  const concurrentMs = Date.now() - concurrentStart;
  assert.equal(concurrentOutcomes.filter((o) => o === 'answered').length, 100);
  const rssEnd = rssKb(pid);
  const honoured = outcomes.filter((o) => o === 'cancelled').length;
  console.log(
    `load: 1,000 edits + ${pending.length} requests in ${editMs} ms (${cancelledByClient.size} cancelled by the client, ${honoured} answered RequestCancelled, the rest answered); 100 concurrent requests in ${concurrentMs} ms`,
  );
  console.log(
    `load: RSS start ${Math.round(rssStart / 1024)} MB, after edits ${Math.round(rssAfterEdits / 1024)} MB, end ${Math.round(rssEnd / 1024)} MB`,
  );
  assert.ok(rssEnd < 3 * rssStart, `RSS ${rssEnd} KB vs ${rssStart} KB at start`);
});

/** An outline with every range moved `lines` down. */
function shifted(symbols: DocumentSymbol[], lines: number): DocumentSymbol[] {
  const move = (r: Range): Range => ({ start: { ...r.start, line: r.start.line + lines }, end: { ...r.end, line: r.end.line + lines } });
  return symbols.map((x) => ({
    ...x,
    range: move(x.range),
    selectionRange: move(x.selectionRange),
    ...(x.children ? { children: shifted(x.children, lines) } : {}),
  }));
}
