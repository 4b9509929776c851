// Timing of levels and roles, for the project benchmark, plus a generator of universe-sized
// graphs so the benchmark and the tests measure the same shape.
import { performance } from 'node:perf_hooks';
import { DependencyGraph } from './graph';
import type { WavesManifest } from './manifest';
import { walkedRoleCodes, WaveModel } from './roles';
import { derivedSteps } from './steps';

/** What `benchmarkWaves` measured. */
export interface WavesBenchmark {
  nodes: number;
  edges: number;
  levels: number;
  components: number;
  /** Waves whose roles were computed (every step of every major asked for). */
  waves: number;
  levelsMs: number;
  rolesMs: number;
  /** Levels + roles, the number the design's "under 1 s" is about. */
  totalMs: number;
  /** The roles of every derived step again, by walking the dependants as declared steps need (one step per level). */
  walkedRolesMs: number;
}

/** Times computing all levels and the role of every package at every step of the given majors (default: major 1). */
export function benchmarkWaves(graph: DependencyGraph, options: { waves?: WavesManifest; majors?: number[] } = {}): WavesBenchmark {
  const start = performance.now();
  const levels = graph.levels();
  const levelsDone = performance.now();
  const model = new WaveModel(graph, options.waves);
  let waves = 0;
  for (const major of options.majors ?? [1]) {
    const steps = model.plan(major).steps.length;
    for (let minor = 1; minor <= steps; minor++, waves++) model.roleCodes({ major, minor });
  }
  const end = performance.now();
  const derived = derivedSteps(graph);
  for (let minor = 1; minor <= derived.steps.length; minor++) walkedRoleCodes(graph, derived, minor);
  const walked = performance.now();
  return {
    nodes: graph.size,
    edges: graph.edgeCount,
    levels: levels.maxLevel + 1,
    components: levels.components.members.length,
    waves,
    levelsMs: levelsDone - start,
    rolesMs: end - levelsDone,
    totalMs: end - start,
    walkedRolesMs: walked - end,
  };
}

/** Shape of a generated graph. */
export interface GeneratedGraphOptions {
  nodes: number;
  /** Number of layers; node layers become levels unless cycles merge them. */
  layers: number;
  /** Extra dependencies per node besides the one that pins its layer (default 3). */
  fanOut?: number;
  /** Number of small cycles to add inside layers (default 5). */
  cycles?: number;
  seed?: number;
}

/** A deterministic layered DAG (ids `pkg<i>`) with a few cycles: each node of layer L > 0 depends on one node of layer L-1 and a few random lower ones. */
export function generateLayeredGraph(options: GeneratedGraphOptions): DependencyGraph {
  const { nodes, layers, fanOut = 3, cycles = 5 } = options;
  let state = (options.seed ?? 1) >>> 0;
  // mulberry32: small, fast and reproducible, so a failing run can be replayed.
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list: readonly number[]): number => list[Math.floor(random() * list.length)]!;
  const graph = new DependencyGraph();
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  for (let i = 0; i < nodes; i++) {
    // The first `layers` nodes seed each layer, so none is empty.
    const layer = i < layers ? i : Math.floor(random() * layers);
    byLayer[layer]!.push(i);
    graph.addNode(`pkg${i}`);
  }
  byLayer.forEach((members, layer) => {
    if (layer === 0) return;
    for (const v of members) {
      graph.addDependency(`pkg${v}`, `pkg${pick(byLayer[layer - 1]!)}`);
      for (let k = 0; k < fanOut; k++) {
        const lower = Math.floor(random() * layer);
        graph.addDependency(`pkg${v}`, `pkg${pick(byLayer[lower]!)}`);
      }
    }
  });
  for (let c = 0; c < cycles; c++) {
    // A cycle inside one layer keeps the level of every member, so levels stay predictable.
    const members = byLayer[1 + Math.floor(random() * (layers - 1))]!;
    const size = Math.min(members.length, 2 + Math.floor(random() * 3));
    const start = Math.floor(random() * members.length);
    const ring = Array.from({ length: size }, (_, k) => members[(start + k) % members.length]!);
    ring.forEach((v, k) => {
      graph.addDependency(`pkg${v}`, `pkg${ring[(k + 1) % ring.length]!}`);
    });
  }
  return graph;
}
