// The figures on the real core domain (a clone of the Aux bundle): the real server bundle over
// stdio asked every kind of request at every package input of every package file, the CLI's
// cold and warm index, `stub` of core and `impact --base` for a one-package change.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { URI } from 'vscode-uri';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { LspClient } from '../../server/src/cli/lspClient';
import { cpuMsOf, memoryOf } from './proc';
import { firstAnswers, steadyRss, type FirstAnswers, type Probe } from './server';
import { latency, type Latency } from './stats';

export const REAL_KINDS = ['hover', 'definition', 'references', 'completion', 'workspaceSymbol'] as const;
export type RealKind = (typeof REAL_KINDS)[number];

export interface RealFigures {
  revision: string;
  files: number;
  packageFiles: number;
  inputs: number;
  /** Server: spawn → index ready, with an empty cache. */
  serverColdMs: number;
  /** Cold start: `initialized` → the first hover and definition on the opened file. */
  coldFirst: FirstAnswers;
  /** Warm start (the server's index cache present): the same, and spawn → first hover with content. */
  warmFirst: FirstAnswers;
  warmFirstAnswerMs: number;
  requests: Record<RealKind, Latency & { withContent: number; errors: number }>;
  /** Peak RSS through the cold start, indexing and every request. */
  serverPeakRssBytes: number;
  /** RSS after the requests, once idle. */
  serverSteadyRssBytes: number;
  /** Peak RSS of the warm start, to its index complete. */
  warmPeakRssBytes: number;
  serverCpuMs: number;
  cli: { coldIndexMs: number; warmIndexMs: number; stubMs: number; impactMs: number; impactRebuilds: number };
}

const TIMEOUT_MS = 120_000;

/** The input (formal) positions of every package file of core: the spots a contributor hovers. */
async function inputsOf(root: string): Promise<{ file: string; inputs: { name: string; line: number; character: number }[] }[]> {
  const analyzer = await Analyzer.create(root, 'core', { cacheDir: null });
  await analyzer.indexAll();
  const files = new Set(analyzer.catalog.all().map((p) => p.target.file));
  return [...files].sort().flatMap((file) => {
    const formals = analyzer.index.files.get(file)?.formals ?? [];
    return formals.length === 0 ? [] : [{ file, inputs: formals.map((f) => ({ name: f.name, line: f.span[0], character: f.span[1] })) }];
  });
}

function run(cli: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  execFileSync(process.execPath, [cli, ...args], { env, stdio: 'pipe', maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60_000 });
  return Math.round(performance.now() - started);
}

/** Runs every part on a fresh clone of `bundle`; `log` tells the progress. */
export async function benchReal(bundle: string, dist: string, log: (line: string) => void, maxFiles?: number): Promise<RealFigures> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-bench-real-'));
  try {
    const root = path.join(temp, 'core');
    execFileSync('git', ['clone', '--quiet', bundle, root], { stdio: 'pipe' });
    const revision = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const cli = path.join(dist, 'cli.js');
    const env = { ...process.env, NIX_DOMAINS_CACHE_DIR: path.join(temp, 'cli-cache') };
    log(`real core at ${revision.slice(0, 12)}: CLI index, cold and warm …`);
    const coldIndexMs = run(cli, ['index', root], env);
    const warmIndexMs = run(cli, ['index', root], env);
    log('  stub …');
    const stubMs = run(cli, ['stub', root, '--out', path.join(temp, 'stubs')], env);
    log('  impact --base for a one-package change …');
    execFileSync('git', ['-C', root, 'checkout', '-q', '-b', 'bench-change'], { stdio: 'pipe' });
    const zlib = path.join(root, 'pkgs/by-name/zl/zlib/default.nix');
    writeFileSync(zlib, readFileSync(zlib, 'utf8').replace('  pname = "zlib";', '  pname = "zlib";\n  passthru.benchChange = true;'));
    execFileSync(
      'git',
      ['-C', root, '-c', 'user.email=bench@nix-domains.invalid', '-c', 'user.name=bench', 'commit', '-qam', 'zlib: change'],
      { stdio: 'pipe' },
    );
    const impactStarted = performance.now();
    const impact = JSON.parse(
      execFileSync(process.execPath, [cli, 'impact', '--base', 'main', '--format', 'json', root], {
        env,
        maxBuffer: 64 * 1024 * 1024,
      }).toString(),
    );
    const impactMs = Math.round(performance.now() - impactStarted);
    execFileSync('git', ['-C', root, 'checkout', '-q', 'main'], { stdio: 'pipe' });

    const everyPackageFile = await inputsOf(root);
    const packageFiles = everyPackageFile.slice(0, maxFiles);
    const inputs = packageFiles.reduce((n, f) => n + f.inputs.length, 0);
    log(`  server: every request kind at ${inputs} inputs of ${packageFiles.length} package files …`);
    const probe = probeOf(root, everyPackageFile);
    const serverEnv = { ...process.env, NIX_DOMAINS_CACHE_DIR: path.join(temp, 'server-cache') };
    const started = performance.now();
    const client = await LspClient.start(root, path.join(dist, 'server.js'), undefined, { env: serverEnv });
    let figures: Omit<RealFigures, 'warmFirst' | 'warmFirstAnswerMs' | 'warmPeakRssBytes'>;
    try {
      const coldFirst = await firstAnswers(client, probe);
      const serverColdMs = Math.round(performance.now() - started);
      log(
        `  cold start: first hover ${coldFirst.hoverMs} ms, definition ${coldFirst.definitionMs} ms after initialized; index complete at ${coldFirst.indexReadyMs} ms`,
      );
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: probe.params.textDocument.uri } });
      const times: Record<RealKind, number[]> = { hover: [], definition: [], references: [], completion: [], workspaceSymbol: [] };
      const content: Record<RealKind, number> = { hover: 0, definition: 0, references: 0, completion: 0, workspaceSymbol: 0 };
      const errors: Record<RealKind, number> = { hover: 0, definition: 0, references: 0, completion: 0, workspaceSymbol: 0 };
      for (const { file, inputs: spots } of packageFiles) {
        const absolute = path.join(root, file);
        const uri = URI.file(absolute).toString();
        await client.open(absolute, readFileSync(absolute, 'utf8'));
        for (const spot of spots) {
          const position = { line: spot.line, character: spot.character + 1 };
          const end = { line: spot.line, character: spot.character + spot.name.length };
          const asks: [RealKind, string, unknown][] = [
            ['hover', 'textDocument/hover', { textDocument: { uri }, position }],
            ['definition', 'textDocument/definition', { textDocument: { uri }, position }],
            ['references', 'textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } }],
            ['completion', 'textDocument/completion', { textDocument: { uri }, position: end }],
            ['workspaceSymbol', 'workspace/symbol', { query: spot.name }],
          ];
          for (const [kind, method, params] of asks) {
            const t = performance.now();
            try {
              const answer = await timed(client.request<unknown>(method, params), `${method} at ${file}:${spot.line + 1}`);
              times[kind].push(performance.now() - t);
              if (answer !== null && (!Array.isArray(answer) || answer.length > 0)) content[kind]++;
            } catch (err) {
              if (client.process.exitCode !== null) throw err;
              times[kind].push(performance.now() - t);
              errors[kind]++;
            }
          }
        }
        await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
      const requests = Object.fromEntries(
        REAL_KINDS.map((k) => [k, { ...latency(times[k]), withContent: content[k], errors: errors[k] }]),
      ) as RealFigures['requests'];
      for (const kind of REAL_KINDS)
        log(`  ${kind}: p50 ${requests[kind].p50Ms} ms, p95 ${requests[kind].p95Ms} ms, max ${requests[kind].maxMs} ms`);
      const pid = client.process.pid;
      const serverSteadyRssBytes = await steadyRss(client);
      figures = {
        revision,
        files: Number(JSON.parse(execFileSync(process.execPath, [cli, 'index', root], { env }).toString()).files),
        packageFiles: packageFiles.length,
        inputs,
        serverColdMs,
        coldFirst,
        requests,
        serverPeakRssBytes: memoryOf(pid, 'VmHWM'),
        serverSteadyRssBytes,
        serverCpuMs: Math.round(cpuMsOf(pid)),
        cli: { coldIndexMs, warmIndexMs, stubMs, impactMs, impactRebuilds: impact.domains?.[0]?.count ?? 0 },
      };
    } finally {
      await client.stop().catch(() => client.process.kill('SIGKILL'));
    }
    log('  warm start …');
    const warmStarted = performance.now();
    const warm = await LspClient.start(root, path.join(dist, 'server.js'), undefined, { env: serverEnv });
    try {
      const initializedAt = performance.now() - warmStarted;
      const warmFirst = await firstAnswers(warm, probe);
      log(`  warm start: first hover ${Math.round(initializedAt + warmFirst.hoverMs)} ms after spawn`);
      return {
        ...figures,
        warmFirst,
        warmFirstAnswerMs: Math.round(initializedAt + warmFirst.hoverMs),
        warmPeakRssBytes: memoryOf(warm.process.pid, 'VmHWM'),
      };
    } finally {
      await warm.stop().catch(() => warm.process.kill('SIGKILL'));
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The probe of a start: the first input of the first package file that names a package (not lib or stdenv). */
function probeOf(root: string, packageFiles: { file: string; inputs: { name: string; line: number; character: number }[] }[]): Probe {
  for (const { file, inputs } of packageFiles) {
    const input = inputs.find((i) => !['lib', 'stdenv', 'stdenvNoCC', 'config', 'pkgs'].includes(i.name));
    if (!input) continue;
    const absolute = path.join(root, file);
    return {
      file: { file: absolute, text: readFileSync(absolute, 'utf8') },
      params: { textDocument: { uri: URI.file(absolute).toString() }, position: { line: input.line, character: input.character + 1 } },
    };
  }
  throw new Error('no package file of real core has an input to ask about');
}

function timed<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
