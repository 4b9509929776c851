// "Which wave am I in": everything the hover and the frozen-edit warning need for one package,
// computed from the wave model and a branch snapshot.
import { compareWaves, type KnownWave, knownWaves, type ParsedWaveBranch, parseWaveBranch, waveBranchName, waveLabel } from './branches';
import type { BranchSnapshot } from './gitBranches';
import { wavePatternsOf } from './manifest';
import { pivotStepOf, type Role, roleAt, rolesAt, type WaveModel } from './roles';

/** The checked-out branch read as a wave. */
interface CheckedOutWave {
  /** False when the folder is no git repository. */
  repository: boolean;
  branch: string | null;
  detached: boolean;
  /** The wave the branch names, or null when it names none. */
  wave: ParsedWaveBranch | null;
  /** The package's role in that wave. */
  role: Role | null;
}

/** One known wave and the package's role in it. */
interface WaveRole {
  wave: KnownWave;
  role: Role;
  checkedOut: boolean;
}

/** The known waves of one major wave, with the package's role in each. */
interface MajorWaveRoles {
  major: number;
  source: 'declared' | 'derived';
  stepCount: number;
  waves: WaveRole[];
}

/** Everything the **Waves** hover shows for one package. */
export interface PackageWaves {
  id: string;
  /** False when the package is not in the graph (then there are no roles). */
  known: boolean;
  level: number | null;
  checkedOut: CheckedOutWave;
  /** Known waves grouped by major wave (ascending), so parallel majors can be shown side by side. */
  majors: MajorWaveRoles[];
  /** The newest green wave in which the package was already updated to latest. */
  newestGreenAtLatest: KnownWave | null;
  /** True when the repository has no wave branch at all. */
  noWaveBranches: boolean;
  /** Why there is no branch information (a folder that is no repository). */
  problem?: string;
}

/** The waves known from a snapshot's branches (local and remote-tracking), plus the checked-out wave if it is missing. */
export function wavesOfSnapshot(model: WaveModel, snapshot: BranchSnapshot): KnownWave[] {
  return knownWaves(snapshot.branches.map((b) => b.name).concat(snapshot.current ? [snapshot.current] : []), wavePatternsOf(model.waves));
}

/** Computes what the hover needs for one package: checked-out wave and role, roles in every known wave, level, newest green wave at latest. */
export function describePackageWaves(model: WaveModel, snapshot: BranchSnapshot, id: string): PackageWaves {
  const patterns = wavePatternsOf(model.waves);
  const index = model.graph.indexOf(id);
  const known = index >= 0;
  const waves = wavesOfSnapshot(model, snapshot);
  const current = snapshot.current ? parseWaveBranch(snapshot.current, patterns) : null;
  const checkedOut: CheckedOutWave = {
    repository: snapshot.repository,
    branch: snapshot.current,
    detached: snapshot.detached,
    wave: current,
    role: current && known ? roleAt(model, id, current) : null,
  };
  const roles = known ? (rolesAt(model, id, waves) ?? []) : [];
  const majors: MajorWaveRoles[] = [];
  waves.forEach((wave, i) => {
    let group = majors[majors.length - 1];
    if (!group || group.major !== wave.major) {
      const plan = model.plan(wave.major);
      majors.push((group = { major: wave.major, source: plan.source, stepCount: plan.steps.length, waves: [] }));
    }
    if (!known) return;
    const isCurrent = current !== null && compareWaves(current, wave) === 0;
    group.waves.push({ wave, role: roles[i]!, checkedOut: isCurrent });
  });
  const result: PackageWaves = {
    id,
    known,
    level: known ? model.graph.levels().levelOfIndex[index]! : null,
    checkedOut,
    majors,
    newestGreenAtLatest: known ? newestGreenAtLatest(model, id, waves) : null,
    noWaveBranches: waves.length === 0,
  };
  if (snapshot.problem) result.problem = snapshot.problem;
  return result;
}

/** The newest green wave (highest major, then minor) in which the package was a pivot of step ≤ minor, i.e. is already at latest. */
export function newestGreenAtLatest(model: WaveModel, id: string, waves: readonly KnownWave[]): KnownWave | null {
  let best: KnownWave | null = null;
  for (const wave of waves) {
    if (!wave.green || (best && compareWaves(wave, best) <= 0)) continue;
    const step = pivotStepOf(model, id, wave.major);
    if (step !== null && step <= wave.minor) best = wave;
  }
  return best;
}

/** A warning for an edit to a package that the checked-out WIP wave has frozen. */
export interface FrozenEditWarning {
  message: string;
  wave: ParsedWaveBranch;
  /** The earlier step that updated the package. */
  updatedInStep: number;
}

/** Whether editing a package on the checked-out branch deserves a "frozen" warning, and its message; null when it does not. */
export function frozenEditWarning(model: WaveModel, snapshot: BranchSnapshot, id: string): FrozenEditWarning | null {
  const patterns = wavePatternsOf(model.waves);
  const branch = snapshot.current;
  const wave = branch ? parseWaveBranch(branch, patterns) : null;
  // A green wave is finished; only a wave in progress is where contributors are fixing things.
  if (!branch || !wave || wave.green) return null;
  const role = roleAt(model, id, wave);
  if (role?.kind !== 'frozen' || role.pivotStep === null) return null;
  const step = role.pivotStep;
  const earlier = { major: wave.major, minor: step };
  const message =
    `${id} is frozen on ${branch} ("don't touch, don't test"): step ${step} of major wave ${wave.major} ` +
    `(${waveBranchName(earlier, true, patterns)}) already updated it to latest and tested everything that depends on it, ` +
    `and later steps of this wave neither change nor retest it. A change here would go untested and could break ` +
    `packages those steps already fixed. Instead, fix the packages wave ${waveLabel(wave)} updates or tests ` +
    `(a package that breaks against ${id} needs the fix, not ${id}), or make this change in a new major wave, ` +
    `which starts again from the root and updates ${id} in one of its steps.`;
  return { message, wave, updatedInStep: step };
}
