// The figures that need no language server: the CLI's `index`, the maintainers index and the
// waves computation (on a generated 20,000-package graph and on the domain's real graph).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { DomainWaves } from '../../server/src/analysis/features/waves';
import { readDomainName } from '../../server/src/analysis/manifest';
import { benchmarkWaves, generateLayeredGraph, type WavesBenchmark } from '../../server/src/analysis/waves';
import type { MaintainersBench } from '../../test/maintainers/bench';
import { round2 } from './stats';

export type { MaintainersBench };

export interface CliIndexFigures {
  /** As the CLI reports them (inside its process, from start of indexing). */
  wallMs: number;
  cpuMs: number;
  files: number;
  packages: number;
  /** Spawn → exit, as seen from outside (includes Node start-up and loading the grammar). */
  processWallMs: number;
}

/** Runs `node <cli> index <root>` with its own cache dir and reads its JSON. */
export async function benchCliIndex(cliPath: string, root: string, cacheHome: string): Promise<CliIndexFigures> {
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, 'index', root], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve));
  const processWallMs = performance.now() - started;
  if (code !== 0) throw new Error(`${cliPath} index exited with code ${code}`);
  const out = JSON.parse(stdout) as { wallMs: number; cpuMs: number; files: number; packages: number };
  return { wallMs: out.wallMs, cpuMs: out.cpuMs, files: out.files, packages: out.packages, processWallMs: Math.round(processWallMs) };
}

/**
 * The maintainers figures of issue 5 on a generated list of 30,000 entries, measured on the scanner
 * as the server ships it: `npm run build` bundles the measuring module with the server's own
 * options (`dist/bench/maintainers.js`), run here by plain Node. Run from source under tsx, each
 * import of the scanner's constants is a getter call (tsx turns modules into CommonJS): the first
 * build of the index took 240–310 ms that way, 95–134 ms bundled.
 */
export function benchMaintainerIndex(seed: number): MaintainersBench {
  const bundle = path.resolve(__dirname, '../../dist/bench/maintainers.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
  const run = spawnSync(process.execPath, [bundle, '30000', '1000', String(seed)], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`the maintainers benchmark failed (${run.signal ?? `code ${run.status}`}): ${run.stderr}`);
  return JSON.parse(run.stdout) as MaintainersBench;
}

/** Waves figures, in ms rounded to hundredths. */
export type WavesFigures = WavesBenchmark;

const rounded = (w: WavesBenchmark): WavesFigures => ({
  ...w,
  levelsMs: round2(w.levelsMs),
  rolesMs: round2(w.rolesMs),
  totalMs: round2(w.totalMs),
  walkedRolesMs: round2(w.walkedRolesMs),
});

/** Levels and roles at every step of three parallel majors on a generated 20,000-package graph. */
export function benchGeneratedWaves(seed: number): WavesFigures {
  const graph = generateLayeredGraph({ nodes: 20_000, layers: 35, cycles: 8, seed });
  return rounded(benchmarkWaves(graph, { majors: [1, 2, 3] }));
}

/** The same on the domain's own dependency graph, built from an index made in this process. */
export async function benchDomainWaves(root: string): Promise<WavesFigures & { indexMs: number; graphMs: number }> {
  let t = performance.now();
  const analyzer = await Analyzer.create(root, await readDomainName(root));
  await analyzer.indexAll();
  const indexMs = performance.now() - t;
  t = performance.now();
  const graph = (await DomainWaves.create(analyzer)).currentModel().graph;
  const graphMs = performance.now() - t;
  return { ...rounded(benchmarkWaves(graph, { majors: [1, 2, 3] })), indexMs: Math.round(indexMs), graphMs: Math.round(graphMs) };
}
