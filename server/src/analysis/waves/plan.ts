// The wave plan behind `nix-domains wave [--branch B] [--package P] [--format text|json|markdown]`
// and the client's "show wave plan" command: for each major wave, its steps with their pivot
// sets, how many packages each retests, and how far the branches have got.
import { type ParsedWaveBranch, parseWaveBranch, waveBranchName, waveLabel } from './branches';
import type { BranchSnapshot } from './gitBranches';
import { wavePatternsOf } from './manifest';
import { newestGreenAtLatest, wavesOfSnapshot } from './packageWaves';
import { ROLE_LABELS, type RoleKind, rolesAt, stepSummaries, type WaveModel } from './roles';

/** Options of the `wave` command. */
export interface WavePlanOptions {
  /** Show only this wave branch's major wave, with its step marked (default: every known major, checked-out step marked). */
  branch?: string;
  /** Add this package's role at every step (a bare attribute name or a domain-qualified id). */
  package?: string;
}

/** One step of a major wave in the plan. */
interface PlannedStep {
  step: number;
  /** `1.2` */
  wave: string;
  level?: number;
  pivots: string[];
  retests: number;
  state: 'green' | 'in progress' | 'not started';
  branches: string[];
  /** The step of the checked-out (or `--branch`) wave. */
  current: boolean;
  /** The `--package`'s role at this step. */
  role?: RoleKind;
}

/** One major wave in the plan. */
interface PlannedMajor {
  major: number;
  source: 'declared' | 'derived';
  steps: PlannedStep[];
}

/** The whole plan, JSON-ready. */
export interface WavePlan {
  checkedOut: { branch: string | null; detached: boolean; wave: string | null; green: boolean | null };
  majors: PlannedMajor[];
  package?: { id: string; level: number; newestGreenAtLatest: string | null };
  notes: string[];
}

/** The plan, or a message saying why there is none. */
export type WavePlanResult = { ok: true; plan: WavePlan } | { ok: false; error: string };

/** Output formats of `renderWavePlan`. */
export type WavePlanFormat = 'text' | 'json' | 'markdown';

/** Builds the wave plan for the `wave` command from the model and a branch snapshot. */
export function buildWavePlan(model: WaveModel, snapshot: BranchSnapshot, options: WavePlanOptions = {}): WavePlanResult {
  const patterns = wavePatternsOf(model.waves);
  const waves = wavesOfSnapshot(model, snapshot);
  const notes: string[] = [];
  if (snapshot.problem) notes.push(`No branches: ${snapshot.problem}.`);

  let id: string | undefined;
  if (options.package !== undefined) {
    const ids = model.graph.lookupAttr(options.package);
    if (ids.length === 0) return { ok: false, error: `No package named "${options.package}" in the dependency graph.` };
    if (ids.length > 1) return { ok: false, error: `"${options.package}" is ambiguous: ${ids.join(', ')}. Give one of these ids.` };
    id = ids[0]!;
  }

  const checked = snapshot.current ? parseWaveBranch(snapshot.current, patterns) : null;
  let focus: ParsedWaveBranch | null = checked;
  let majors: number[];
  if (options.branch !== undefined) {
    focus = parseWaveBranch(options.branch, patterns);
    if (!focus) {
      const example = `${waveBranchName({ major: 1, minor: 2 }, false, patterns)} or ${waveBranchName({ major: 1, minor: 2 }, true, patterns)}`;
      return { ok: false, error: `"${options.branch}" is not a wave branch (wave branches are named like ${example}).` };
    }
    majors = [focus.major];
  } else {
    majors = [...new Set(waves.map((w) => w.major))];
    if (majors.length === 0) {
      majors = [1];
      notes.push('No wave branches in this repository yet; this is the plan a first major wave would follow.');
    }
  }

  const planned = majors.map((major): PlannedMajor => {
    const plan = model.plan(major);
    notes.push(...plan.problems.map((p) => `Major wave ${major}: ${p}.`));
    const summaries = stepSummaries(model, major);
    const roles = id
      ? (rolesAt(
          model,
          id,
          summaries.map((s) => ({ major, minor: s.number })),
        ) ?? [])
      : [];
    const steps = summaries.map((s, i): PlannedStep => {
      const known = waves.find((w) => w.major === major && w.minor === s.number);
      const step: PlannedStep = {
        step: s.number,
        wave: waveLabel({ major, minor: s.number }),
        pivots: s.pivots,
        retests: s.retests,
        state: known ? (known.green ? 'green' : 'in progress') : 'not started',
        branches: known?.branches ?? [],
        current: focus !== null && focus.major === major && focus.minor === s.number,
      };
      if (s.level !== undefined) step.level = s.level;
      if (roles[i]) step.role = roles[i]!.kind;
      return step;
    });
    if (focus && focus.major === major && focus.minor > plan.steps.length) {
      notes.push(`Wave ${waveLabel(focus)} is beyond the ${plan.steps.length} steps of major wave ${major}.`);
    }
    return { major, source: plan.source, steps };
  });

  const plan: WavePlan = {
    checkedOut: {
      branch: snapshot.current,
      detached: snapshot.detached,
      wave: checked ? waveLabel(checked) : null,
      green: checked ? checked.green : null,
    },
    majors: planned,
    notes,
  };
  if (id) {
    const green = newestGreenAtLatest(model, id, waves);
    plan.package = {
      id,
      level: model.graph.levels().levelOf(id)!,
      newestGreenAtLatest: green ? (green.branches[0] ?? waveLabel(green)) : null,
    };
  }
  return { ok: true, plan };
}

/** Renders a wave plan as text (terminal), markdown (pull requests, the client's view) or JSON. */
export function renderWavePlan(plan: WavePlan, format: WavePlanFormat = 'text'): string {
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  const md = format === 'markdown';
  const code = (s: string) => (md ? `\`${s}\`` : s);
  const out: string[] = [];
  const { checkedOut } = plan;
  if (checkedOut.detached) out.push('Checked out: detached HEAD (no wave).');
  else if (checkedOut.branch === null) out.push('Checked out: nothing (no git repository).');
  else if (checkedOut.wave === null) out.push(`Checked out: ${code(checkedOut.branch)} (not a wave branch).`);
  else out.push(`Checked out: ${code(checkedOut.branch)} (wave ${checkedOut.wave}, ${checkedOut.green ? 'green' : 'in progress'}).`);
  if (plan.package) {
    const p = plan.package;
    const green = p.newestGreenAtLatest ? `already at latest in ${code(p.newestGreenAtLatest)}` : 'not at latest in any green wave yet';
    out.push(`Package ${code(p.id)}: level ${p.level}, ${green}.`);
  }
  for (const major of plan.majors) {
    const how = major.source === 'declared' ? 'steps declared in nix-domains.json' : 'steps derived from dependency levels';
    out.push(md ? `### Major wave ${major.major} (${how})` : `Major wave ${major.major} (${how})`);
    out.push(md ? markdownSteps(major, plan.package !== undefined) : textSteps(major, plan.package !== undefined));
  }
  out.push(...plan.notes.map((n) => (md ? `> ${n}` : `Note: ${n}`)));
  out.push(md ? '### What the words mean' : 'What the words mean', glossary(md));
  return `${out.join('\n\n')}\n`;
}

// The explanations the hover leaves out: it links here instead of repeating them on every hover.
function glossary(md: boolean): string {
  const b = (s: string) => (md ? `**${s}**` : s);
  const c = (s: string) => (md ? `\`${s}\`` : s);
  const item = md ? '- ' : '  ';
  return [
    `${b('Wave')}: a git branch that brings the whole package set to latest versions, step by step from the root of the ` +
      `dependency tree down. ${c('WIP-Wave1.2')} is step 2 of major wave 1, still in progress; ${c('Wave1.2')} means all its ` +
      `tests pass (green). Several major waves run side by side. (nix-domains.json may name the branches otherwise.)`,
    `${b('Pivots')}: the packages a step updates to latest. ${b('Retests')}: how many packages depend on them and must be tested and fixed.`,
    `${b('Roles')}: what a step asks of a package. ${b(ROLE_LABELS.update)} (it is a pivot of this step); ${b(ROLE_LABELS.test)} ` +
      `(it depends, maybe through other packages, on a pivot of this step: make it build and pass its tests again, bumping its ` +
      `version if that is what it takes); ${b(ROLE_LABELS.frozen)} (an earlier step of this major wave updated it and tested ` +
      `everything that depends on it: leave it exactly as it is); ${b(ROLE_LABELS.untouched)} (it depends on no pivot of this ` +
      `step; a later step may update it).`,
    `${b('Level')}: 0 for a package that depends on nothing else in the package set, otherwise one more than its highest ` +
      `dependency; packages in a dependency cycle share a level. Where nix-domains.json declares no steps, step k updates the packages of level k-1.`,
  ]
    .map((line) => `${item}${line}`)
    .join('\n');
}

// Derived plans put hundreds of packages in the low levels; the full list is in the JSON.
function pivotList(pivots: readonly string[], limit = 6): string {
  if (pivots.length <= limit) return pivots.join(', ');
  return `${pivots.slice(0, limit).join(', ')} and ${pivots.length - limit} more`;
}

function branchOf(step: PlannedStep): string {
  return step.branches[0] ?? '—';
}

function textSteps(major: PlannedMajor, withRole: boolean): string {
  const rows = major.steps.map((s) => [
    s.current ? '>' : ' ',
    `step ${s.step}`,
    branchOf(s),
    s.state,
    `retests ${s.retests}`,
    ...(withRole ? [s.role ? ROLE_LABELS[s.role] : ''] : []),
    `updates ${pivotList(s.pivots)}`,
  ]);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]!.length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}

function markdownSteps(major: PlannedMajor, withRole: boolean): string {
  const head = ['Step', 'Branch', 'State', 'Updates (pivots)', 'Retests', ...(withRole ? ['Package role'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 || i === 4 ? '---:' : '---')).join('|')}|`];
  for (const s of major.steps) {
    const step = s.current ? `**${s.step}** ←` : String(s.step);
    const branch = s.branches[0] ? `\`${s.branches[0]}\`` : '—';
    const pivots = pivotList(s.pivots.map((p) => `\`${p}\``));
    const cells = [step, branch, s.state, pivots, String(s.retests), ...(withRole ? [s.role ? ROLE_LABELS[s.role] : ''] : [])];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
