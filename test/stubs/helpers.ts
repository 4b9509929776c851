// Shared pieces of the stub tests: the example universe with its stubs generated, a real HTTP
// server on 127.0.0.1 serving a folder (ETag, gzip, Range), counting its requests; git, a bare
// remote on disk, the built CLI as a process, and flake.lock pins.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createExampleUniverse, type ExampleUniverse } from '../../scripts/example-universe';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { generateStub } from '../../server/src/analysis/stubs/generate';

/** A fresh temporary folder, removed by the returned function. */
export async function tempDir(prefix = 'nix-domains-stubs-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** An indexed analyzer over a domain folder. */
export async function indexed(root: string, domain: string): Promise<Analyzer> {
  const analyzer = await Analyzer.create(root, domain);
  await analyzer.indexAll();
  return analyzer;
}

export interface UniverseWithStubs {
  top: string;
  universe: ExampleUniverse;
  stubs: string;
  remove: () => Promise<void>;
}

/** The example universe in a temporary folder, with stubs of core and rust written to `<top>/stubs`. */
export async function universeWithStubs(): Promise<UniverseWithStubs> {
  const { dir, remove } = await tempDir();
  const universe = await createExampleUniverse(path.join(dir, 'universe'));
  const stubs = path.join(dir, 'stubs');
  for (const domain of ['core', 'rust'] as const) await generateStub(await indexed(universe[domain], domain), { out: stubs });
  return { top: dir, universe, stubs, remove };
}

export interface StubServer {
  url: string;
  /** Requests by path, in order. */
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  /** Replaces the answer for one path (a misbehaving server). */
  handlers: Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;
  gzip: boolean;
  close: () => Promise<void>;
}

/** Serves `folder` on 127.0.0.1 with ETags (sha256), If-None-Match, gzip when asked and enabled, and Range. */
export async function serveFolder(folder: string): Promise<StubServer> {
  const handlers = new Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>();
  const requests: StubServer['requests'] = [];
  const state = { gzip: false };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    requests.push({ path: url.pathname, headers: req.headers });
    const handler = handlers.get(url.pathname);
    if (handler) return handler(req, res);
    const bytes = rel.includes('..') ? undefined : await fs.readFile(path.join(folder, rel)).catch(() => undefined);
    if (!bytes) {
      res.writeHead(404).end('not found');
      return;
    }
    const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), bytes.length - 1)];
      res
        .writeHead(206, { 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': end - start + 1 })
        .end(bytes.subarray(start, end + 1));
      return;
    }
    if (state.gzip && /gzip/.test(String(req.headers['accept-encoding']))) {
      const body = gzipSync(bytes);
      res.writeHead(200, { etag, 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
      return;
    }
    res.writeHead(200, { etag, 'content-length': bytes.length }).end(bytes);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    handlers,
    get gzip() {
      return state.gzip;
    },
    set gzip(value: boolean) {
      state.gzip = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A log that keeps its lines, for assertions. */
export function collectLog(): { lines: string[]; log: (message: string) => void } {
  const lines: string[] = [];
  return { lines, log: (message) => lines.push(message) };
}

/** Runs git in a folder (committing as a test identity); its trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', cwd, '-c', 'user.name=nix-domains tests', '-c', 'user.email=tests@nix-domains.invalid', ...args],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args.join(' ')} in ${cwd}: ${stderr.trim() || error.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** A bare repository on disk standing in for a domain's hosted repository (filters allowed, as on GitHub). */
export async function bareRemote(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await git(dir, 'init', '-q', '--bare', '--initial-branch=main');
  await git(dir, 'config', 'uploadpack.allowFilter', 'true');
  return dir;
}

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built CLI (`dist/cli.js`) as its own process; exit code and output. Killed after `timeoutMs`. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; bin?: string[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...prefix] = options.bin ?? [process.execPath, CLI];
  return new Promise((resolve) => {
    execFile(
      command!,
      [...prefix, ...args],
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n(killed: ${error.message})` : stderr });
      },
    );
  });
}

/** Points the flake.lock input `input` of a domain at another locked revision, as `nix flake update` would. */
export async function lockInputAt(domainRoot: string, input: string, rev: string): Promise<void> {
  const file = path.join(domainRoot, 'flake.lock');
  const lock = JSON.parse(await fs.readFile(file, 'utf8')) as {
    nodes: Record<string, { locked?: Record<string, unknown> }>;
    root?: string;
  };
  const rootNode = lock.nodes[lock.root ?? 'root'] as { inputs?: Record<string, string> };
  const node = lock.nodes[rootNode.inputs?.[input] ?? input];
  if (!node?.locked) throw new Error(`${file} has no locked input ${input}`);
  node.locked.rev = rev;
  await fs.writeFile(file, `${JSON.stringify(lock, null, 2)}\n`);
}
