// The language-server figures: the real bundle as a child process over stdio, cold index,
// warm start, random requests and re-index after an edit, timed from the client's side.
import { STATUS_REQUEST } from '../../shared/protocol';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { URI } from 'vscode-uri';
import { LspClient } from '../../server/src/cli/lspClient';
import { Random } from '../bench-gen/random';
import { completionPoint, inside, randomSpot, sampleFiles, symbolQuery, type OpenFile, type PackageFile, type Spot } from './positions';
import { noFloor, protocolFloor, SlowAnswers, type FloorFigures } from './floor';
import { cpuMsOf, memoryOf } from './proc';
import { latency, round2, type Latency } from './stats';

/** The references' p95 target (README, Performance): the line the protocol floor is drawn at. */
export const REFERENCES_P95_TARGET_MS = 30;
const FLOOR_PEER = path.join(__dirname, 'floorPeer.ts');

/** How long anything may take before the benchmark calls the server stuck. */
const INDEX_TIMEOUT_MS = 15 * 60_000;
const REQUEST_TIMEOUT_MS = 60_000;

export interface ServerOptions {
  /** The domain to open. */
  root: string;
  /** The server bundle. */
  serverPath: string;
  /** The server's XDG_CACHE_HOME: empty for the cold run, reused for the warm one. */
  cacheHome: string;
  packageFiles: readonly PackageFile[];
  requests: number;
  edits: number;
  /** Files opened in the server for the requests. */
  openFiles: number;
  seed: number;
}

export interface ColdFigures {
  wallMs: number;
  cpuMs: number;
  files: number;
  packages: number;
  /** `initialized` → the first hover and definition with content on the file the user opened. */
  first: FirstAnswers;
  peakRssAfterIndexBytes: number;
  /** Peak RSS through start, indexing, every request and every edit. */
  peakRssEndBytes: number;
  /** RSS once the requests and edits are done and the server has been idle for a moment. */
  steadyRssBytes: number;
}

/** The first answers on the opened file after a start, timed from `initialized`. */
export interface FirstAnswers {
  hoverMs: number;
  definitionMs: number;
  /** Whether they came while the domain was still being indexed (the hover says so). */
  beforeIndexComplete: boolean;
  /** `initialized` → the index complete. */
  indexReadyMs: number;
  hoversSent: number;
}

export interface WarmFigures {
  /** Spawn → first hover that answered with content. */
  firstAnswerMs: number;
  /** `initialized` → first hover and definition with content. */
  first: FirstAnswers;
  /** Whether a hover with content came at all (else firstAnswerMs is the last empty reply). */
  answered: boolean;
  hoversSent: number;
  indexReadyMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

/** Latency of one request kind, with how many answers had content and how many failed. */
export interface RequestFigures extends Latency {
  withContent: number;
  errors: number;
  /** The server's peak RSS (VmHWM) once this kind is done: tells which requests grow memory. */
  peakRssAfterBytes: number;
}

export const REQUEST_KINDS = ['hover', 'definition', 'references', 'completion', 'workspaceSymbol'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface ReindexFigures {
  edits: number;
  /** didChange → documentSymbol answered. */
  symbols: Latency;
  /** didChange → diagnostics published (includes the server's 150 ms debounce). */
  diagnostics: Latency;
}

export interface ServerFigures {
  cold: ColdFigures;
  requests: Record<RequestKind, RequestFigures>;
  /** The references' latency with the slow answers sent again by a peer that does no work (floor.ts). */
  referencesFloor: FloorFigures;
  reindex: ReindexFigures;
  warm: WarmFigures;
}

/** Starts the server with its own cache dir. */
function startServer(options: ServerOptions): Promise<LspClient> {
  // The benchmark's own `guard` bounds each step (a cold index of the full universe takes minutes).
  return LspClient.start(options.root, options.serverPath, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: options.cacheHome },
    waitMs: INDEX_TIMEOUT_MS,
  });
}

/** Awaits `work`, failing if the server exits or `ms` pass first. */
function guard<T>(client: LspClient, work: Promise<T>, what: string, ms = REQUEST_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: ((code: number | null, signal: string | null) => void) | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from the server within ${ms / 1000} s`)), ms);
    onExit = (code, signal) => reject(new Error(`${what}: the server exited (${signal ?? `code ${code}`})`));
    if (client.process.exitCode !== null) onExit(client.process.exitCode, null);
    else client.process.once('exit', onExit);
  });
  return Promise.race([work, failure]).finally(() => {
    clearTimeout(timer);
    if (onExit) client.process.off('exit', onExit);
  });
}

const hasContent = (answer: unknown): boolean => {
  if (answer === null || answer === undefined) return false;
  if (Array.isArray(answer)) return answer.length > 0;
  const items = (answer as { items?: unknown[] }).items;
  return items === undefined || items.length > 0;
};

/** The whole server run: cold start and index, requests and edits in one process, then a warm restart. */
export async function benchServer(options: ServerOptions, log: (line: string) => void): Promise<ServerFigures> {
  const random = new Random(options.seed);
  const opened = sampleFiles(options.packageFiles, options.openFiles, random);
  if (opened.length === 0) throw new Error(`no package files with inputs under ${options.root}`);
  const probe = probeOf(options, opened);

  log(`cold start and index of ${options.root} …`);
  const started = performance.now();
  const client = await startServer(options);
  let cold: ColdFigures;
  let requests: Record<RequestKind, RequestFigures>;
  let reindex: ReindexFigures;
  const slowReferences = new SlowAnswers(REFERENCES_P95_TARGET_MS);
  try {
    // The user opens a file at once and asks about an input while the domain is indexed.
    const first = await firstAnswers(client, probe);
    log(
      `  first hover ${first.hoverMs} ms, definition ${first.definitionMs} ms after initialized ` +
        `(${first.beforeIndexComplete ? 'before' : 'after'} the index was complete, at ${first.indexReadyMs} ms)`,
    );
    const wallMs = performance.now() - started;
    const pid = client.process.pid;
    const cpuMs = cpuMsOf(pid);
    const peakRssAfterIndexBytes = memoryOf(pid, 'VmHWM');
    const status = await guard(client, client.request(STATUS_REQUEST), 'status');
    log(`  ${status.files} files, ${status.packages} packages in ${(wallMs / 1000).toFixed(1)} s`);

    await openAll(client, opened);
    requests = {} as Record<RequestKind, RequestFigures>;
    for (const [index, kind] of REQUEST_KINDS.entries()) {
      // One generator per kind: adding a kind or changing a count leaves the others' questions alone.
      requests[kind] = await timeRequests(
        client,
        kind,
        opened,
        options,
        new Random(options.seed * 31 + index + 1),
        kind === 'references' ? slowReferences : undefined,
      );
      // Their answers, for the protocol floor: asked again now, untimed, before anything changes the index.
      if (kind === 'references') await slowReferences.collect((method, params) => guard(client, client.request(method, params), method));
      log(
        `  ${kind}: p50 ${requests[kind].p50Ms} ms, p95 ${requests[kind].p95Ms} ms, max ${requests[kind].maxMs} ms (${requests[kind].withContent}/${requests[kind].count} with content, ${requests[kind].errors} errors, ` +
          `peak RSS ${Math.round(requests[kind].peakRssAfterBytes / 2 ** 20)} MB)`,
      );
    }
    reindex = await timeEdits(client, opened, options.edits);
    log(`  re-index after an edit: p50 ${reindex.symbols.p50Ms} ms, p95 ${reindex.symbols.p95Ms} ms`);
    const steadyRssBytes = await steadyRss(client);
    cold = {
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      files: status.files,
      packages: status.packages,
      first,
      peakRssAfterIndexBytes,
      peakRssEndBytes: memoryOf(pid, 'VmHWM'),
      steadyRssBytes,
    };
    log(`  peak RSS ${Math.round(cold.peakRssEndBytes / 2 ** 20)} MB, steady ${Math.round(steadyRssBytes / 2 ** 20)} MB`);
  } finally {
    await stopQuietly(client);
  }

  log(
    `protocol floor: ${slowReferences.slow.length} references answers over ${slowReferences.overMs} ms, sent again by a peer that does no work …`,
  );
  const referencesFloor = await protocolFloor(slowReferences, FLOOR_PEER).catch((err: unknown) => {
    log(`  the protocol floor failed: ${err instanceof Error ? err.message : String(err)}`);
    return noFloor(slowReferences);
  });
  log(
    `  ${referencesFloor.slowWithProtocolAlone} of them stay over ${slowReferences.overMs} ms (${referencesFloor.fewestLocations}–${referencesFloor.mostLocations} locations); p95 ${referencesFloor.p95Ms} ms with the protocol alone`,
  );

  log('warm start …');
  const warm = await warmStart(options, probe);
  log(
    `  first answer after ${warm.firstAnswerMs} ms from spawn (${warm.first.hoverMs} ms from initialized), index ready after ${warm.indexReadyMs} ms`,
  );
  return { cold, requests, referencesFloor, reindex, warm };
}

/** Where a start is probed: an input of an opened file that names a package of the domain. */
export interface Probe {
  file: Pick<OpenFile, 'file' | 'text'>;
  params: { textDocument: { uri: string }; position: { line: number; character: number } };
}

/** The probe of the generated universe: a build input of an opened file that is a package of the domain. */
function probeOf(options: ServerOptions, opened: readonly OpenFile[]): Probe {
  const known = new Set(options.packageFiles.map((p) => p.name));
  const file = opened.find((f) => f.spots.some((s) => s.kind === 'build-input' && known.has(s.name))) ?? opened[0]!;
  const spot = file.spots.find((s) => s.kind === 'build-input' && known.has(s.name)) ?? file.spots[0]!;
  return {
    file,
    params: { textDocument: { uri: URI.file(file.file).toString() }, position: { line: spot.line, character: spot.character + 1 } },
  };
}

/**
 * Opens the probe's file right after `initialized` and asks for its hover and definition until
 * both have content; the index may be complete only later. Resolves once the index is complete.
 */
export async function firstAnswers(client: LspClient, probe: Probe): Promise<FirstAnswers> {
  const initialized = performance.now();
  let indexReadyMs = NaN;
  const ready = guard(client, client.waitForIndex(), 'index', INDEX_TIMEOUT_MS).then(() => {
    indexReadyMs = performance.now() - initialized;
  });
  ready.catch(() => undefined);
  await client.open(probe.file.file, probe.file.text);
  let hoverMs = NaN;
  let definitionMs = NaN;
  let beforeIndexComplete = false;
  let hoversSent = 0;
  for (;;) {
    const wasReady = !Number.isNaN(indexReadyMs);
    hoversSent++;
    const [hover, definition] = await Promise.all([
      Number.isNaN(hoverMs)
        ? guard(client, client.request<{ contents: { value: string } } | null>('textDocument/hover', probe.params), 'first hover')
        : undefined,
      Number.isNaN(definitionMs)
        ? guard(client, client.request<unknown>('textDocument/definition', probe.params), 'first definition')
        : undefined,
    ]);
    const at = performance.now() - initialized;
    if (hasContent(hover)) {
      hoverMs = at;
      beforeIndexComplete = /still being indexed/.test(hover!.contents.value);
    }
    if (hasContent(definition)) definitionMs = at;
    if ((!Number.isNaN(hoverMs) && !Number.isNaN(definitionMs)) || wasReady) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await ready;
  return {
    hoverMs: round2(hoverMs),
    definitionMs: round2(definitionMs),
    beforeIndexComplete,
    indexReadyMs: Math.round(indexReadyMs),
    hoversSent,
  };
}

/** The server's RSS once it has been idle for two seconds (its background work done). */
export async function steadyRss(client: LspClient): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return memoryOf(client.process.pid, 'VmRSS');
}

/** Opens the files and waits until the server has published their first diagnostics, so it is idle. */
async function openAll(client: LspClient, files: readonly OpenFile[]): Promise<void> {
  const published = files.map((f) => client.nextDiagnostics(URI.file(f.file).toString()));
  for (const f of files) await client.open(f.file, f.text);
  await guard(client, Promise.all(published), 'diagnostics of the opened files', INDEX_TIMEOUT_MS);
}

/** Sends `options.requests` requests of one kind, one at a time, and times each round trip. */
async function timeRequests(
  client: LspClient,
  kind: RequestKind,
  files: readonly OpenFile[],
  options: ServerOptions,
  random: Random,
  recorder?: SlowAnswers,
): Promise<RequestFigures> {
  const times: number[] = [];
  let withContent = 0;
  let errors = 0;
  for (let i = 0; i < options.requests; i++) {
    const [method, params] = requestFor(kind, randomSpot(files, random), options.packageFiles, random);
    const t = performance.now();
    try {
      const answer = await guard(client, client.request<unknown>(method, params), `${method} #${i}`);
      times.push(performance.now() - t);
      recorder?.record(times[times.length - 1]!, method, params);
      if (hasContent(answer)) withContent++;
    } catch (err) {
      if (client.process.exitCode !== null) throw err;
      times.push(performance.now() - t);
      recorder?.record(times[times.length - 1]!, method, params, true);
      errors++;
    }
  }
  return { ...latency(times), withContent, errors, peakRssAfterBytes: memoryOf(client.process.pid, 'VmHWM') };
}

function requestFor(kind: RequestKind, spot: Spot, packageFiles: readonly PackageFile[], random: Random): [string, unknown] {
  const textDocument = { uri: URI.file(spot.file).toString() };
  switch (kind) {
    case 'hover':
      return ['textDocument/hover', { textDocument, position: inside(spot, random) }];
    case 'definition':
      return ['textDocument/definition', { textDocument, position: inside(spot, random) }];
    case 'references':
      return ['textDocument/references', { textDocument, position: inside(spot, random), context: { includeDeclaration: true } }];
    case 'completion':
      return ['textDocument/completion', { textDocument, position: completionPoint(spot, random) }];
    case 'workspaceSymbol':
      return ['workspace/symbol', { query: symbolQuery(packageFiles, random) }];
  }
}

/**
 * Edits the version string of an open package file `edits` times; times each edit until the
 * document's symbols come back, then waits for its diagnostics so edits do not overlap.
 */
async function timeEdits(client: LspClient, files: readonly OpenFile[], edits: number): Promise<ReindexFigures> {
  const target = files.find((f) => /^\s*version = "[^"]*";/m.test(f.text));
  if (!target) throw new Error('no opened package file has a version string');
  const uri = URI.file(target.file).toString();
  const lines = target.text.split('\n');
  const line = lines.findIndex((l) => /^\s*version = "[^"]*";/.test(l));
  const start = lines[line]!.indexOf('"') + 1;
  const original = /"([^"]*)"/.exec(lines[line]!)![1]!;
  let current = original;
  const symbols: number[] = [];
  const diagnostics: number[] = [];
  for (let i = 1; i <= edits; i++) {
    const next = `${original}.${i}`;
    const range = { start: { line, character: start }, end: { line, character: start + current.length } };
    const published = client.nextDiagnostics(uri);
    const t = performance.now();
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: i + 1 },
      contentChanges: [{ range, text: next }],
    });
    await guard(client, client.request('textDocument/documentSymbol', { textDocument: { uri } }), `documentSymbol after edit ${i}`);
    symbols.push(performance.now() - t);
    await guard(client, published, `diagnostics after edit ${i}`);
    diagnostics.push(performance.now() - t);
    current = next;
  }
  return { edits, symbols: latency(symbols), diagnostics: latency(diagnostics) };
}

/** Restarts on the same cache: spawn → first hover with content, and → index ready. */
async function warmStart(options: ServerOptions, probe: Probe): Promise<WarmFigures> {
  const started = performance.now();
  const client = await startServer(options);
  try {
    const initializedAt = performance.now() - started;
    const first = await firstAnswers(client, probe);
    const pid = client.process.pid;
    return {
      firstAnswerMs: round2(initializedAt + first.hoverMs),
      first,
      answered: Number.isFinite(first.hoverMs),
      hoversSent: first.hoversSent,
      indexReadyMs: Math.round(initializedAt + first.indexReadyMs),
      cpuMs: Math.round(cpuMsOf(pid)),
      peakRssBytes: memoryOf(pid, 'VmHWM'),
    };
  } finally {
    await stopQuietly(client);
  }
}

/** Stops the server; one that does not stop within 10 s is killed. */
async function stopQuietly(client: LspClient): Promise<void> {
  const timer = setTimeout(() => client.process.kill('SIGKILL'), 10_000);
  try {
    await client.stop();
  } catch {
    client.process.kill('SIGKILL');
  } finally {
    clearTimeout(timer);
  }
}
