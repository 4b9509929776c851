// A bounded soak of the real server: random requests and edits on the `small` generated core
// domain for a few minutes, RSS at the start, every minute, and at the end.
//   npm run soak                 5 minutes
//   npm run soak -- --minutes 1  (or --root DIR for an existing domain)
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { LspClient } from '../server/src/cli/lspClient';
import { generateUniverse } from './bench-gen';

const REPO = path.resolve(__dirname, '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024);
}

function packageFiles(root: string, rel = 'pkgs/by-name', out: string[] = []): string[] {
  for (const name of readdirSync(path.join(root, rel))) {
    const file = `${rel}/${name}`;
    if (statSync(path.join(root, file)).isDirectory()) packageFiles(root, file, out);
    else if (name === 'package.nix') out.push(file);
  }
  return out;
}

/** A small deterministic generator, so a failing soak can be replayed with --seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function main(): Promise<void> {
  const minutes = Number(arg('minutes') ?? 5);
  const rand = random(Number(arg('seed') ?? 1));
  const temp = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-soak-'));
  try {
    let root = arg('root');
    if (!root) {
      console.log('generating the small universe …');
      await generateUniverse({ out: path.join(temp, 'universe'), scale: 'small' });
      root = path.join(temp, 'universe', 'core');
    }
    const client = await LspClient.start(root, path.join(REPO, 'dist/server.js'), undefined, {
      env: { ...process.env, XDG_CACHE_HOME: path.join(temp, 'cache') },
    });
    await client.waitForIndex();
    const pid = client.process.pid!;
    const files = packageFiles(root).slice(0, 400);
    const open = new Map<string, { uri: string; text: string; version: number }>();
    const counts = { requests: 0, answered: 0, cancelled: 0, edits: 0, errors: 0 };
    let slowest = 0;
    const rssStart = rssMb(pid);
    console.log(`soak: ${minutes} min on ${root} (${files.length} package files); RSS at start ${rssStart} MB`);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const deadline = Date.now() + minutes * 60_000;
    let nextReport = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const file = pick(files);
      let doc = open.get(file);
      if (!doc) {
        const text = readFileSync(path.join(root, file), 'utf8');
        doc = { uri: await client.open(path.join(root, file), text), text, version: 1 };
        open.set(file, doc);
      }
      // A burst of edits (typing or deleting at a random place), then a few requests at random positions.
      for (let i = Math.floor(rand() * 5); i > 0; i--) {
        const at = Math.floor(rand() * doc.text.length);
        doc.text =
          rand() < 0.7
            ? doc.text.slice(0, at) + pick(['x', ' ', '\n', '{', '}', '"', ';', 'zlib']) + doc.text.slice(at)
            : doc.text.slice(0, at) + doc.text.slice(at + 1);
        doc.version++;
        counts.edits++;
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri: doc.uri, version: doc.version },
          contentChanges: [{ text: doc.text }],
        });
      }
      const lines = doc.text.split('\n');
      const batch: Promise<void>[] = [];
      for (let i = 1 + Math.floor(rand() * 6); i > 0; i--) {
        const line = Math.floor(rand() * lines.length);
        const position = { line, character: Math.floor(rand() * ((lines[line]?.length ?? 0) + 1)) };
        const method = pick([
          'textDocument/hover',
          'textDocument/definition',
          'textDocument/completion',
          'textDocument/references',
          'textDocument/documentSymbol',
          'workspace/symbol',
        ]);
        const params =
          method === 'workspace/symbol'
            ? { query: pick(['zl', 'py', 'lib', 'a', 'open']) }
            : { textDocument: { uri: doc.uri }, position, context: { includeDeclaration: true } };
        const source = new CancellationTokenSource();
        const started = Date.now();
        counts.requests++;
        batch.push(
          client.connection.sendRequest(method, params, source.token).then(
            () => {
              counts.answered++;
              slowest = Math.max(slowest, Date.now() - started);
            },
            (err: unknown) => {
              if (
                err instanceof ResponseError &&
                (err.code === LSPErrorCodes.RequestCancelled || err.code === LSPErrorCodes.ServerCancelled)
              )
                counts.cancelled++;
              else {
                counts.errors++;
                console.log(`error on ${method}: ${err instanceof Error ? err.message : String(err)}`);
              }
            },
          ),
        );
        if (rand() < 0.1) source.cancel();
      }
      await Promise.all(batch);
      if (rand() < 0.02 && open.size > 20) {
        const [closing, closed] = [...open][0]!;
        await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: closed.uri } });
        open.delete(closing);
      }
      if (Date.now() >= nextReport) {
        nextReport += 60_000;
        console.log(`soak: ${counts.requests} requests, ${counts.edits} edits, RSS ${rssMb(pid)} MB`);
      }
    }
    const rssEnd = rssMb(pid);
    await client.stop();
    console.log(
      `soak: done. ${counts.requests} requests (${counts.answered} answered, ${counts.cancelled} cancelled, ${counts.errors} errors), ${counts.edits} edits; slowest answer ${slowest} ms`,
    );
    console.log(`soak: RSS at start ${rssStart} MB, at end ${rssEnd} MB`);
    if (counts.errors > 0) process.exitCode = 1;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
