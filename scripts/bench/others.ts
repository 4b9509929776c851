// The figures that need no language server: the CLI's `index`, the maintainers index and the
// waves computation (on a generated 20,000-package graph and on the domain's real graph).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { DomainWaves } from '../../server/src/analysis/features/waves';
import { readDomainName } from '../../server/src/analysis/manifest';
import { benchmarkWaves, generateLayeredGraph, type WavesBenchmark } from '../../server/src/analysis/waves';
import { benchMaintainers, type MaintainersBench } from '../../test/maintainers/bench';
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

/** The maintainers figures of issue 5 on a generated list of 30,000 entries. */
export function benchMaintainerIndex(seed: number): Promise<MaintainersBench> {
  return benchMaintainers({ entries: 30_000, hovers: 1000, seed });
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
