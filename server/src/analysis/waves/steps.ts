// Steps of a major wave. Each major wave walks the dependency tree from the root down; step m
// updates its pivot set to latest. Steps are declared in the manifest or derived from levels.
import { type DependencyGraph, markDependants } from './graph';
import type { WavesManifest } from './manifest';

/** One step of a major wave: the packages it updates to latest. */
export interface Step {
  /** 1-based: step m is wave M.m. */
  number: number;
  /** Node ids of the pivot set. */
  pivots: string[];
  /** The dependency level the step updates, for derived steps. */
  level?: number;
}

/** The steps of one major wave. */
export interface StepPlan {
  source: 'declared' | 'derived';
  steps: Step[];
  /** For each node index, the step that updates it (1-based), or 0 when no step does. */
  stepOfIndex: Int32Array;
  /** Declared names that match no package, and other things worth telling the user. */
  problems: string[];
}

/** Steps from declared pivot sets of attribute names (or domain-qualified ids). */
function declaredSteps(graph: DependencyGraph, pivotSets: readonly (readonly string[])[]): StepPlan {
  const stepOfIndex = new Int32Array(graph.size);
  const problems: string[] = [];
  const steps = pivotSets.map((names, i): Step => {
    const number = i + 1;
    const pivots: string[] = [];
    for (const name of names) {
      const ids = graph.lookupAttr(name);
      if (ids.length === 0) problems.push(`step ${number} names "${name}", which is no known package`);
      for (const id of ids) {
        const index = graph.indexOf(id);
        // The first step to name a package updates it; later ones would contradict "frozen".
        if (stepOfIndex[index]) {
          problems.push(`step ${number} names "${name}" again; step ${stepOfIndex[index]} already updates ${id}`);
          continue;
        }
        stepOfIndex[index] = number;
        pivots.push(id);
      }
    }
    return { number, pivots };
  });
  problems.push(...orderProblems(graph, steps, stepOfIndex));
  return { source: 'declared', steps, stepOfIndex, problems };
}

// A step that updates a package before the step that updates one of its dependencies walks the
// tree upwards: the earlier pivot is frozen while what it depends on still changes.
function orderProblems(graph: DependencyGraph, steps: readonly Step[], stepOfIndex: Int32Array, limit = 5): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    const dependants = markDependants(
      graph,
      step.pivots.map((id) => graph.indexOf(id)),
    );
    dependants.forEach((marked, i) => {
      const earlier = stepOfIndex[i]!;
      if (!marked || earlier === 0 || earlier >= step.number || problems.length >= limit) return;
      problems.push(
        `step ${earlier} updates ${graph.idAt(i)}, which depends on what step ${step.number} updates; it stays frozen while its dependency changes`,
      );
    });
  }
  return problems;
}

/** Steps derived from levels: step k updates every package of level k-1. */
export function derivedSteps(graph: DependencyGraph): StepPlan {
  const { indicesByLevel, levelOfIndex } = graph.levels();
  const stepOfIndex = new Int32Array(graph.size);
  levelOfIndex.forEach((level, index) => {
    stepOfIndex[index] = level + 1;
  });
  const steps = indicesByLevel.map(
    (indices, level): Step => ({
      number: level + 1,
      level,
      pivots: indices.map((i) => graph.idAt(i)),
    }),
  );
  return { source: 'derived', steps, stepOfIndex, problems: [] };
}

/** The pivot sets the manifest declares for a major wave (`stepsByMajor` first, then `steps`), or undefined to derive them. */
export function declaredPivotSets(waves: WavesManifest | undefined, major: number): string[][] | undefined {
  return waves?.stepsByMajor?.[String(major)] ?? waves?.steps;
}

/** The steps of a major wave: declared in the manifest, else derived from levels. */
export function stepsOfMajor(graph: DependencyGraph, waves: WavesManifest | undefined, major: number): StepPlan {
  const declared = declaredPivotSets(waves, major);
  return declared ? declaredSteps(graph, declared) : derivedSteps(graph);
}

/** Node indices of the pivot set of step m (empty beyond the last step). */
export function pivotIndices(graph: DependencyGraph, plan: StepPlan, step: number): number[] {
  return (plan.steps[step - 1]?.pivots ?? []).map((id) => graph.indexOf(id));
}
