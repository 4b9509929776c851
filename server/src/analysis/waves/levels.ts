// The strongly connected components of a dependency graph and the level of every node, in steps:
// on the generated core's 40,000 nodes both took 56 ms in one piece, which the first hover on a
// package after the warm-up waited for. The warm-up now prepares them in slices (graph.ts,
// `levelsValue`); run at once (`finishSteps`), they are the same computation.
import { everyNth, finishSteps, type Steps } from '../budget';

/** What of a dependency graph (graph.ts) the components and levels read. */
interface DependencyGraph {
  readonly size: number;
  dependencyIndices(index: number): readonly number[];
  indexOf(id: string): number;
}

/** Strongly connected components, listed dependencies first (Tarjan's emission order). */
export interface Components {
  /** Component number of each node index. */
  componentOf: Int32Array;
  /** Node indices of each component; a component comes after every component it depends on. */
  members: number[][];
}

/** Levels of a graph: 0 without dependencies in the graph, else 1 + the highest level of a dependency; a cycle's members share a level. */
export interface GraphLevels {
  components: Components;
  /** Level of each node index. */
  levelOfIndex: Int32Array;
  /** The highest level (-1 for an empty graph). */
  maxLevel: number;
  /** Level of an id, or undefined for an unknown id. */
  levelOf(id: string): number | undefined;
  /** Node indices at each level. */
  indicesByLevel: number[][];
}

/** Tarjan's strongly connected components, iterative (an explicit call stack instead of recursion). */
export function stronglyConnectedComponents(graph: DependencyGraph): Components {
  return finishSteps(componentsSteps(graph));
}

/** The components in steps: a yield every few thousand edges walked. */
function* componentsSteps(graph: DependencyGraph): Steps<Components> {
  const n = graph.size;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const componentOf = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  const stack: number[] = [];
  // The explicit call stack: the node of each frame and how many of its edges it has walked.
  const frameNode = new Int32Array(n);
  const frameEdge = new Int32Array(n);
  let counter = 0;
  const due = everyNth();

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    let top = 0;
    frameNode[0] = root;
    frameEdge[0] = 0;
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (top >= 0) {
      if (due()) yield;
      const v = frameNode[top]!;
      const edges = graph.dependencyIndices(v);
      if (frameEdge[top]! < edges.length) {
        const w = edges[frameEdge[top]!++]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          top++;
          frameNode[top] = w;
          frameEdge[top] = 0;
        } else if (onStack[w] && order[w]! < low[v]!) {
          low[v] = order[w]!;
        }
        continue;
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          componentOf[w] = members.length;
          component.push(w);
        } while (w !== v);
        members.push(component.slice());
      }
      top--;
      if (top >= 0) {
        const parent = frameNode[top]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return { componentOf, members };
}

/** Computes the level of every node, with strongly connected components collapsed, in steps. */
export function* levelsSteps(graph: DependencyGraph): Steps<GraphLevels> {
  const components = yield* componentsSteps(graph);
  const { componentOf, members } = components;
  const componentLevel = new Int32Array(members.length);
  const levelOfIndex = new Int32Array(graph.size);
  let maxLevel = -1;
  const due = everyNth();
  // Tarjan emits a component only after everything it depends on, so one pass in emission
  // order sees every dependency's level before it is needed.
  for (let c = 0; c < members.length; c++) {
    const component = members[c]!;
    let level = 0;
    for (const v of component) {
      for (const w of graph.dependencyIndices(v)) {
        const d = componentOf[w]!;
        if (d !== c && componentLevel[d]! + 1 > level) level = componentLevel[d]! + 1;
      }
    }
    componentLevel[c] = level;
    for (const v of component) levelOfIndex[v] = level;
    if (level > maxLevel) maxLevel = level;
    if (due()) yield;
  }
  const indicesByLevel: number[][] = Array.from({ length: maxLevel + 1 }, () => []);
  levelOfIndex.forEach((level, v) => {
    indicesByLevel[level]!.push(v);
  });
  return {
    components,
    levelOfIndex,
    maxLevel,
    indicesByLevel,
    levelOf: (id) => {
      const index = graph.indexOf(id);
      return index < 0 ? undefined : levelOfIndex[index];
    },
  };
}
