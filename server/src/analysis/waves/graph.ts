// The dependency graph of the universe, its levels (computed in levels.ts) and closures.
// Ids are opaque strings (the caller uses domain-qualified names like `core:glibc`); an edge
// runs from a package to one of its dependencies. Everything is index-based and iterative:
// graphs have 20,000+ nodes and dependency chains deep enough to overflow a recursive walk.
import { everyNth, finishSteps, SteppedValue, type Steps } from '../budget';
import { levelsSteps, type GraphLevels } from './levels';
import { walk, walkReaching, type Gate, type Walked } from './walk';

export { stronglyConnectedComponents, type GraphLevels } from './levels';

/** The bare attribute name of a domain-qualified id: `core:python3Packages.numpy` → `python3Packages.numpy`. */
function bareAttr(id: string): string {
  const colon = id.indexOf(':');
  return colon < 0 ? id : id.slice(colon + 1);
}

type Dependencies = Iterable<readonly [string, Iterable<string>]> | Readonly<Record<string, readonly string[]>>;
type GraphOptions = { keepUnknown?: boolean; attrOf?: (id: string) => string; sameNodesAs?: DependencyGraph };

/** A dependency graph over opaque string ids; an edge runs from a package to one of its dependencies. */
export class DependencyGraph {
  private idList: string[] = [];
  private indexById = new Map<string, number>();
  /** The node tables are another graph's (see `sameNodesAs`): copied before a node is added. */
  private sharedNodes = false;
  private readonly deps: number[][] = [];
  private edges = 0;
  // Derived data is built on first use and dropped on any change, so the caller can build the
  // graph incrementally and still pay for reverse edges and levels only once.
  private reverse: number[][] | null = null;
  private packed: { forward: PackedEdges; reverse: PackedEdges } | null = null;
  private byAttr: Map<string, string[]> | null = null;
  private cachedLevels: SteppedValue<GraphLevels> | null = null;

  constructor(private readonly attrOf: (id: string) => string = bareAttr) {}

  /**
   * Builds a graph from `id → dependencies`; dependencies that are not themselves keys are outside
   * the universe and dropped unless `keepUnknown`. `sameNodesAs`: a graph over the same ids in the
   * same order (the rebuild graph of a domain beside its input graph), whose id list and index this
   * one shares instead of making its own: on a 40,000-package domain, megabytes. Either graph
   * copies them before it adds a node. In steps (`everyNth`): a domain's 40,000 packages
   * took a third of a second in one piece, which a request beside the warm-up waited for.
   */
  static fromDependencies(dependencies: Dependencies, options: GraphOptions = {}): DependencyGraph {
    return finishSteps(DependencyGraph.fromDependenciesSteps(dependencies, options));
  }

  static *fromDependenciesSteps(dependencies: Dependencies, options: GraphOptions = {}): Steps<DependencyGraph> {
    const graph = new DependencyGraph(options.attrOf);
    const entries: Array<readonly [string, Iterable<string>]> =
      Symbol.iterator in dependencies
        ? [...(dependencies as Iterable<readonly [string, Iterable<string>]>)]
        : Object.entries(dependencies as Record<string, readonly string[]>);
    const base = options.sameNodesAs;
    if (base && base.idList.length === entries.length && entries.every(([id], i) => base.idList[i] === id)) {
      graph.idList = base.idList;
      graph.indexById = base.indexById;
      graph.sharedNodes = base.sharedNodes = true;
      for (let i = 0; i < entries.length; i++) graph.deps.push([]);
    } else {
      const due = everyNth();
      for (const [id] of entries) {
        graph.addNode(id);
        if (due()) yield;
      }
    }
    const linksDue = everyNth();
    for (const [id, targets] of entries) {
      for (const target of targets) if (options.keepUnknown || graph.has(target)) graph.addDependency(id, target);
      if (linksDue()) yield;
    }
    // An array that grew by push keeps room for 16 more: on a 40,000-package domain, megabytes.
    const trimDue = everyNth();
    for (let i = 0; i < graph.deps.length; i++) {
      graph.deps[i] = graph.deps[i]!.slice();
      if (trimDue()) yield;
    }
    return graph;
  }

  /** Adds a node (no-op if present) and returns its index. */
  addNode(id: string): number {
    const known = this.indexById.get(id);
    if (known !== undefined) return known;
    if (this.sharedNodes) {
      this.idList = this.idList.slice();
      this.indexById = new Map(this.indexById);
      this.sharedNodes = false;
    }
    const index = this.idList.length;
    this.idList.push(id);
    this.indexById.set(id, index);
    this.deps.push([]);
    this.changed();
    return index;
  }

  /** Records that `from` depends on `to`, adding both nodes if needed; duplicate edges are ignored. */
  addDependency(from: string, to: string): void {
    const a = this.addNode(from);
    const b = this.addNode(to);
    const list = this.deps[a]!;
    if (list.includes(b)) return;
    list.push(b);
    this.edges++;
    this.changed();
  }

  /** Number of nodes. */
  get size(): number {
    return this.idList.length;
  }

  /** Number of distinct dependency edges. */
  get edgeCount(): number {
    return this.edges;
  }

  /** Whether the id is a node of the graph. */
  has(id: string): boolean {
    return this.indexById.has(id);
  }

  /** The index of an id, or -1. */
  indexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  /** The id at an index. */
  idAt(index: number): string {
    return this.idList[index]!;
  }

  /** All ids, in insertion order (index order). */
  ids(): readonly string[] {
    return this.idList;
  }

  /** Direct dependencies of the node at an index. */
  dependencyIndices(index: number): readonly number[] {
    return this.deps[index]!;
  }

  /** Direct dependants (packages that depend on it) of the node at an index. */
  dependantIndices(index: number): readonly number[] {
    if (!this.reverse) {
      // Sized first: every list is made at its length.
      const counts = new Int32Array(this.idList.length);
      for (const targets of this.deps) for (const to of targets) counts[to]!++;
      const reverse: number[][] = Array.from(counts, (n) => new Array<number>(n));
      counts.fill(0);
      this.deps.forEach((targets, from) => {
        for (const to of targets) reverse[to]![counts[to]!++] = from;
      });
      this.reverse = reverse;
    }
    return this.reverse[index]!;
  }

  /** Both edge directions packed into flat arrays, for walks over the whole graph. */
  packedEdges(): { forward: PackedEdges; reverse: PackedEdges } {
    if (!this.packed) {
      const n = this.idList.length;
      this.packed = {
        forward: pack(n, this.edges, (visit) =>
          this.deps.forEach((targets, from) => {
            for (const to of targets) visit(from, to);
          }),
        ),
        reverse: pack(n, this.edges, (visit) =>
          this.deps.forEach((targets, from) => {
            for (const to of targets) visit(to, from);
          }),
        ),
      };
    }
    return this.packed;
  }

  /** Direct dependencies of an id (empty for an unknown id). */
  dependenciesOf(id: string): string[] {
    const index = this.indexOf(id);
    return index < 0 ? [] : this.deps[index]!.map((i) => this.idList[i]!);
  }

  /** Direct dependants of an id (empty for an unknown id). */
  dependantsOf(id: string): string[] {
    const index = this.indexOf(id);
    return index < 0 ? [] : this.dependantIndices(index).map((i) => this.idList[i]!);
  }

  /** Ids a manifest name refers to: the id itself if it is one, else every id whose bare attribute name it is. */
  lookupAttr(name: string): string[] {
    if (this.indexById.has(name)) return [name];
    if (!this.byAttr) {
      const byAttr = new Map<string, string[]>();
      for (const id of this.idList) {
        const attr = this.attrOf(id);
        const list = byAttr.get(attr);
        if (list) list.push(id);
        else byAttr.set(attr, [id]);
      }
      this.byAttr = byAttr;
    }
    return this.byAttr.get(name) ?? [];
  }

  /** Levels of every node (computed once per version of the graph). */
  levels(): GraphLevels {
    return this.levelsValue().get();
  }

  /**
   * The levels as a value computed in steps: the warm-up prepares them in slices, so that no hover
   * works them out in one piece (56 ms on the generated core's 40,000 nodes).
   */
  levelsValue(): SteppedValue<GraphLevels> {
    if (!this.cachedLevels) {
      const value: SteppedValue<GraphLevels> = new SteppedValue(
        () => levelsSteps(this),
        // A change of the graph meanwhile drops the value (changed()): its steps are stale.
        () => this.cachedLevels !== value,
      );
      this.cachedLevels = value;
    }
    return this.cachedLevels;
  }

  private changed(): void {
    this.reverse = null;
    this.packed = null;
    this.byAttr = null;
    this.cachedLevels = null;
  }
}

/** Adjacency in compressed form: the neighbours of node v are `targets[offsets[v] .. offsets[v+1])`. */
export interface PackedEdges {
  offsets: Int32Array;
  targets: Int32Array;
}

// Two passes over the edges (count, then fill) give flat typed arrays, which a walk over
// 100,000 edges reads several times faster than an array of arrays. Also groups the name
// occurrences (occurrences.ts): an edge from each name to each of its occurrences.
export function pack(n: number, edges: number, forEachEdge: (visit: (from: number, to: number) => void) => void): PackedEdges {
  const offsets = new Int32Array(n + 1);
  forEachEdge((from) => offsets[from + 1]!++);
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(edges);
  forEachEdge((from, to) => {
    targets[fill[from]!++] = to;
  });
  return { offsets, targets };
}

export type { Gate } from './walk';

/** Marks every node that depends, directly or transitively, on one of the seeds (a seed is marked only if it depends on a seed itself). */
export function markDependants(graph: DependencyGraph, seeds: Iterable<number>, stop?: Uint8Array, gate?: Gate): Uint8Array {
  return dependantsReaching(graph, seeds, stop, gate).marked;
}

/** `markDependants`, with the marked nodes also as a list (a query then costs what it reaches, not the graph's size). */
export function dependantsReaching(graph: DependencyGraph, seeds: Iterable<number>, stop?: Uint8Array, gate?: Gate): Walked {
  return walkReaching(graph.size, graph.packedEdges().reverse, seeds, stop, gate);
}

/** Marks every node a seed depends on, directly or transitively. */
export function markDependencies(graph: DependencyGraph, seeds: Iterable<number>): Uint8Array {
  return walk(graph.size, graph.packedEdges().forward, seeds);
}

/** Ids of every package that depends, directly or transitively, on one of the given ids (the reverse-dependency closure). */
export function dependantsClosure(graph: DependencyGraph, ids: Iterable<string>): Set<string> {
  return idsOf(graph, markDependants(graph, indicesOf(graph, ids)));
}

/** Ids of every package one of the given ids depends on, directly or transitively. */
export function dependenciesClosure(graph: DependencyGraph, ids: Iterable<string>): Set<string> {
  return idsOf(graph, markDependencies(graph, indicesOf(graph, ids)));
}

/** The shortest dependency path from a node to the nearest node accepted by `isTarget` (both ends included), or null. */
export function dependencyPath(graph: DependencyGraph, from: number, isTarget: (index: number) => boolean): number[] | null {
  const parent = new Int32Array(graph.size).fill(-2);
  parent[from] = -1;
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of graph.dependencyIndices(v)) {
      if (parent[w] !== -2) continue;
      parent[w] = v;
      if (isTarget(w)) {
        const path = [w];
        for (let p = v; p !== -1; p = parent[p]!) path.push(p);
        return path.reverse();
      }
      queue.push(w);
    }
  }
  return null;
}

/** Marks what the seeds reach; a node marked in `stop` is reached but not walked through. */

function indicesOf(graph: DependencyGraph, ids: Iterable<string>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const index = graph.indexOf(id);
    if (index >= 0) out.push(index);
  }
  return out;
}

function idsOf(graph: DependencyGraph, marked: Uint8Array): Set<string> {
  const out = new Set<string>();
  marked.forEach((m, i) => {
    if (m) out.add(graph.idAt(i));
  });
  return out;
}
