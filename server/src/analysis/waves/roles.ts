// The role of a package at a wave M.m, from the design:
//   pivot of an earlier step of M           → frozen    ("don't touch, don't test")
//   in the pivot set of step m              → update    ("update to latest")
//   depends, maybe transitively, on a pivot → test      ("test and fix")
//   otherwise                               → untouched (a later step may update it)
// The rules apply in that order, so a package matching two of them gets the first.
import type { WaveRef } from './branches';
import { type DependencyGraph, dependencyPath, markDependants, markDependencies } from './graph';
import type { WavesManifest } from './manifest';
import { declaredPivotSets, pivotIndices, type Step, type StepPlan, stepsOfMajor } from './steps';

/** What a wave asks of a package. */
export type RoleKind = 'frozen' | 'update' | 'test' | 'untouched';

/** The words of the original discussion for each role. */
export const ROLE_LABELS: Readonly<Record<RoleKind, string>> = {
  frozen: "don't touch, don't test",
  update: 'update to latest',
  test: 'test and fix',
  untouched: 'not part of this step',
};

/** Role codes in the per-step arrays of `WaveModel.roleCodes`. */
const ROLE_CODE = { untouched: 0, test: 1, update: 2, frozen: 3 } as const;
const KIND_OF_CODE: readonly RoleKind[] = ['untouched', 'test', 'update', 'frozen'];

/** A package's role at one wave. */
export interface Role {
  kind: RoleKind;
  wave: WaveRef;
  /** The step of this major wave that updates the package (earlier when frozen, this one when updated, later when untouched), or null when no step does. */
  pivotStep: number | null;
  /** For `test`: the shortest dependency path from the package to a pivot of this step (both ends included). */
  via?: string[];
  /** False when the major wave's plan has fewer steps than this wave's minor number. */
  stepInPlan: boolean;
}

/** How one step of a major wave weighs: its pivots and how many packages it retests. */
export interface StepSummary extends Step {
  /** Packages with role `test` at this step. */
  retests: number;
}

/** The graph plus the manifest's `waves` section, with plans and per-step roles cached; build a new one when the graph changes. */
export class WaveModel {
  private readonly plans = new Map<string, StepPlan>();
  private readonly codes = new Map<StepPlan, Map<number, Uint8Array>>();

  constructor(
    readonly graph: DependencyGraph,
    readonly waves: WavesManifest = {},
  ) {}

  /** The steps of a major wave (declared or derived). */
  plan(major: number): StepPlan {
    // Majors without their own declaration share one plan, so their roles are computed once.
    const key = this.waves.stepsByMajor?.[String(major)] ? `major ${major}` : declaredPivotSets(this.waves, major) ? 'steps' : 'derived';
    let plan = this.plans.get(key);
    if (!plan) this.plans.set(key, (plan = stepsOfMajor(this.graph, this.waves, major)));
    return plan;
  }

  /** The role code (see ROLE_CODE) of every node index at wave M.m, computed once per plan and step. */
  roleCodes(wave: WaveRef): Uint8Array {
    const plan = this.plan(wave.major);
    let byStep = this.codes.get(plan);
    if (!byStep) this.codes.set(plan, (byStep = new Map()));
    let codes = byStep.get(wave.minor);
    if (!codes) {
      codes = plan.source === 'derived' ? derivedRoleCodes(this.graph, wave.minor) : walkedRoleCodes(this.graph, plan, wave.minor);
      byStep.set(wave.minor, codes);
    }
    return codes;
  }

  /** How many packages step m of major M retests. */
  retestCount(wave: WaveRef): number {
    let count = 0;
    for (const code of this.roleCodes(wave)) if (code === ROLE_CODE.test) count++;
    return count;
  }
}

/** Role codes at step m of any plan: the dependants of the step's pivots test, then the pivot rules override. */
export function walkedRoleCodes(graph: DependencyGraph, plan: StepPlan, m: number): Uint8Array {
  const codes = markDependants(graph, pivotIndices(graph, plan, m));
  const { stepOfIndex } = plan;
  for (let i = 0; i < codes.length; i++) {
    const step = stepOfIndex[i]!;
    if (step === m) codes[i] = ROLE_CODE.update;
    else if (step !== 0 && step < m) codes[i] = ROLE_CODE.frozen;
  }
  return codes;
}

/** Role codes at step m of a derived plan, from levels alone (no walk). */
function derivedRoleCodes(graph: DependencyGraph, m: number): Uint8Array {
  // Every package of level L > 0 has a dependency of level L-1 (that is what its level means),
  // so it reaches a package of every lower level: it is retested by steps 1..L, updated by step
  // L+1 and frozen after. A derived plan therefore leaves nothing untouched.
  const { levelOfIndex } = graph.levels();
  const codes = new Uint8Array(levelOfIndex.length);
  for (let i = 0; i < codes.length; i++) {
    const step = levelOfIndex[i]! + 1;
    codes[i] = step > m ? ROLE_CODE.test : step === m ? ROLE_CODE.update : ROLE_CODE.frozen;
  }
  return codes;
}

/** The role of every node at wave M.m, as ids grouped by role. */
export function rolesAtWave(model: WaveModel, wave: WaveRef): Record<RoleKind, string[]> {
  const out: Record<RoleKind, string[]> = { frozen: [], update: [], test: [], untouched: [] };
  model.roleCodes(wave).forEach((code, i) => {
    out[KIND_OF_CODE[code]!].push(model.graph.idAt(i));
  });
  return out;
}

/** The role of one package at wave M.m, with the dependency path that makes it `test`; null for an unknown package. */
export function roleAt(model: WaveModel, id: string, wave: WaveRef): Role | null {
  const { graph } = model;
  const index = graph.indexOf(id);
  if (index < 0) return null;
  const plan = model.plan(wave.major);
  const role = roleFrom(plan, index, wave, () => {
    const m = wave.minor;
    return dependencyPath(graph, index, (i) => plan.stepOfIndex[i] === m)?.map((i) => graph.idAt(i)) ?? null;
  });
  return role;
}

/** The role of one package at each of the given waves (one dependency walk per major, not per wave); null for an unknown package. */
export function rolesAt(model: WaveModel, id: string, waves: readonly WaveRef[]): Role[] | null {
  const { graph } = model;
  const index = graph.indexOf(id);
  if (index < 0) return null;
  const testStepsByPlan = new Map<StepPlan, Set<number>>();
  let dependencies: Uint8Array | null = null;
  return waves.map((wave) => {
    const plan = model.plan(wave.major);
    let testSteps = testStepsByPlan.get(plan);
    if (!testSteps) {
      // The steps whose pivots the package depends on are exactly the steps that make it `test`.
      dependencies ??= markDependencies(graph, [index]);
      testSteps = new Set<number>();
      dependencies.forEach((marked, i) => {
        if (marked && plan.stepOfIndex[i]) testSteps!.add(plan.stepOfIndex[i]!);
      });
      testStepsByPlan.set(plan, testSteps);
    }
    const steps = testSteps;
    return roleFrom(plan, index, wave, () => (steps.has(wave.minor) ? [] : null));
  });
}

/** The pivot set and retest count of every step of a major wave. */
export function stepSummaries(model: WaveModel, major: number): StepSummary[] {
  return model.plan(major).steps.map((step) => ({ ...step, retests: model.retestCount({ major, minor: step.number }) }));
}

/** The step that updates a package in a major wave, or null when none does (or the package is unknown). */
export function pivotStepOf(model: WaveModel, id: string, major: number): number | null {
  const index = model.graph.indexOf(id);
  return index < 0 ? null : model.plan(major).stepOfIndex[index] || null;
}

// `testPath` returns a path to a pivot of the wave's step (empty when the path is not wanted),
// or null when the package depends on none; it runs only when the earlier rules did not apply.
function roleFrom(plan: StepPlan, index: number, wave: WaveRef, testPath: () => string[] | null): Role {
  const own = plan.stepOfIndex[index] || null;
  const base = { wave: { major: wave.major, minor: wave.minor }, pivotStep: own, stepInPlan: wave.minor <= plan.steps.length };
  if (own !== null && own < wave.minor) return { kind: 'frozen', ...base };
  if (own === wave.minor) return { kind: 'update', ...base };
  const path = testPath();
  if (path) return path.length ? { kind: 'test', ...base, via: path } : { kind: 'test', ...base };
  return { kind: 'untouched', ...base };
}
