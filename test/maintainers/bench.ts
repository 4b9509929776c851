// The maintainers figures of the project's benchmark: `benchMaintainers()` returns them, and
// `node --import tsx test/maintainers/bench.ts [entries] [hovers] [seed]` prints them (the benchmark
// runs this file bundled: scripts/bench/others.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bufferReader, FileByteReader, type ByteReader } from '../../server/src/analysis/maintainers/reader';
import { DEFAULT_CHUNK_SIZE, scanMaintainers } from '../../server/src/analysis/maintainers/scan';
import { formatEntryHover, readEntry } from '../../server/src/analysis/maintainers/entry';
import { serverEnv } from '../../shared/serverEnv';
import { generateMaintainerList, prng, writeMaintainerList } from './generate';

export interface MaintainersBench {
  entries: number;
  fileBytes: number;
  /** First (cold) build of the handle index, including its sorted lookup order. */
  buildMs: number;
  /** Best of three further builds. */
  buildWarmMs: number;
  largestReadBytes: number;
  chunkSize: number;
  hoverP50Ms: number;
  hoverP95Ms: number;
  bytesPerHoverMax: number;
  bytesPerHoverMean: number;
  /** Memory the index holds, on the V8 heap and off it (typed arrays, its text buffer). */
  indexBytes: number;
  /**
   * Resident set growth across building and keeping the index, in a fresh process started as the
   * server is (its allocator settings and young generation: `serverEnv`), running the scanner as
   * the server ships it when this file is bundled (the benchmark runs it so); median of five.
   */
  indexRssBytes: number;
}

/** Measures index build time, hover latency, bytes read per hover and the index's memory. */
export async function benchMaintainers(options: { entries?: number; hovers?: number; seed?: number } = {}): Promise<MaintainersBench> {
  const entries = options.entries ?? 30000;
  const dir = mkdtempSync(path.join(tmpdir(), 'nix-domains-maintainers-'));
  const file = path.join(dir, 'maintainer-list.nix');
  const fileBytes = Buffer.byteLength(writeMaintainerList(file, { entries, seed: options.seed ?? 1 }).text);
  const reads: number[] = [];
  const disk = await FileByteReader.open(file);
  const reader: ByteReader = { size: () => disk.size(), read: (o, l, into) => (reads.push(l), disk.read(o, l, into)) };
  try {
    const gc = collector();
    await settle(gc);
    const before = process.memoryUsage();
    let t = performance.now();
    const index = await scanMaintainers(reader);
    index.has(''); // builds the lookup order, which a first hover would otherwise pay for
    const buildMs = performance.now() - t;
    await settle(gc);
    const after = process.memoryUsage();
    const indexBytes = after.heapUsed + after.external - before.heapUsed - before.external;
    // This process has just generated the file, so its freed pages would hide the index.
    const indexRssBytes = medianOf(FRESH_RUNS, () => rssInFreshProcess(file));
    const largestReadBytes = Math.max(...reads);

    let buildWarmMs = Infinity;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      (await scanMaintainers(reader)).has('');
      buildWarmMs = Math.min(buildWarmMs, performance.now() - t);
    }

    const random = prng(99);
    const times: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < (options.hovers ?? 1000); i++) {
      const handle = index.handleAt(Math.floor(random() * index.size));
      reads.length = 0;
      t = performance.now();
      const range = index.get(handle)!;
      formatEntryHover(await readEntry(reader, range));
      times.push(performance.now() - t);
      bytes.push(reads.reduce((a, b) => a + b, 0));
    }
    times.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      entries: index.size,
      fileBytes,
      buildMs: round(buildMs),
      buildWarmMs: round(buildWarmMs),
      largestReadBytes,
      chunkSize: DEFAULT_CHUNK_SIZE,
      hoverP50Ms: round(times[Math.floor(times.length * 0.5)]),
      hoverP95Ms: round(times[Math.floor(times.length * 0.95)]),
      bytesPerHoverMax: Math.max(...bytes),
      bytesPerHoverMean: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length),
      indexBytes,
      indexRssBytes,
    };
  } finally {
    await disk.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Collects garbage, then lets V8 free the collected buffers' memory (that runs on its own). */
async function settle(gc: () => void): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
}

/** A full GC, even without --expose-gc, so memory figures are not left-over garbage. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Fresh processes per RSS figure; the median is taken. */
const FRESH_RUNS = 5;

/** The median of `runs` values of `measure`. */
function medianOf(runs: number, measure: () => number): number {
  return Array.from({ length: runs }, measure).sort((a, b) => a - b)[runs >> 1]!;
}

/**
 * RSS growth of building and keeping the index of file in a new Node process started as the
 * server is (`serverEnv`: its allocator settings and young generation); throws, with what the
 * process said, when it cannot be measured (this process's own figure would hide the index).
 */
function rssInFreshProcess(file: string): number {
  // From source under tsx, or bundled (the benchmark runs it so: scripts/bench/others.ts).
  const loader = __filename.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawnSync(process.execPath, ['--expose-gc', ...loader, __filename, '--rss', file], {
    encoding: 'utf8',
    env: serverEnv(process.env),
    timeout: 120_000,
  });
  const rss = Number(child.stdout.trim());
  if (child.status !== 0 || !Number.isFinite(rss) || child.stdout.trim() === '')
    throw new Error(
      `the RSS of the maintainers index could not be measured in a fresh process (${child.error?.message ?? `exit ${child.status ?? child.signal}`}): ${child.stderr}`,
    );
  return rss;
}

async function printRss(file: string): Promise<void> {
  const gc = collector();
  // Compile the scanner on a small list first, so compiled code is not counted as the index
  // (a warm-up on the big file would leave freed pages the measured scan then reuses).
  await scanMaintainers(bufferReader(generateMaintainerList({ entries: 300 }).text));
  await settle(gc);
  const rss0 = process.memoryUsage().rss;
  const disk = await FileByteReader.open(file);
  const index = await scanMaintainers(disk);
  index.has('');
  await disk.close();
  await settle(gc);
  console.log(process.memoryUsage().rss - rss0);
  if (index.size < 0) console.log('unreachable: keeps the index alive until measured');
}

if (require.main === module) {
  if (process.argv[2] === '--rss') void printRss(process.argv[3]!);
  else {
    const [entries = 30000, hovers = 1000, seed = 1] = process.argv.slice(2, 5).map(Number);
    benchMaintainers({ entries, hovers, seed }).then((r) => console.log(JSON.stringify(r, null, 2)));
  }
}
