// The **Waves** hover section, in words a first-time contributor understands: every term is
// glossed once, the checked-out wave comes first, then a compact table of the other waves with
// parallel major waves side by side (one column per major wave, one row per step).
import { type KnownWave, waveLabel } from './branches';
import type { PackageWaves } from './packageWaves';
import { ROLE_LABELS, type Role } from './roles';

/** Output flavour of the hover renderer. */
export type HoverFormat = 'markdown' | 'plaintext';

const GLOSS =
  'A wave is a git branch that brings the whole package set to latest versions, step by step from the root ' +
  'of the dependency tree down: WIP-Wave1.2 is step 2 of major wave 1, still in progress; Wave1.2 means all ' +
  'its tests pass ("green"). Each step updates a few packages (its pivots) to latest; everything that depends ' +
  'on them is tested and fixed, and pivots of earlier steps are left alone. Several major waves run side by side.';

/** One short cell of the wave table. */
export function roleCell(role: Role): string {
  if (role.kind !== 'untouched') return ROLE_LABELS[role.kind];
  return role.pivotStep !== null ? `untouched (step ${role.pivotStep} updates it)` : 'untouched';
}

/** What a role asks of the package named `name`, in one or two plain sentences (without the role label). */
export function roleExplanation(role: Role, name: string, code: (s: string) => string = (s) => s): string {
  const major = `major wave ${role.wave.major}`;
  switch (role.kind) {
    case 'update':
      return `This step's job is to update ${name} to its latest version.`;
    case 'test': {
      const path = role.via ?? [];
      const pivot = path[path.length - 1];
      const through = path.length > 2 ? ` (through ${path.slice(1, -1).map(code).join(' → ')})` : '';
      const on = pivot ? `It depends on ${code(pivot)}${through}, which` : 'It depends on a package that';
      return `${on} this step updates to latest, so make ${name} build and pass its tests again (bump its version if that is what it takes).`;
    }
    case 'frozen':
      return `Step ${role.pivotStep} of ${major} already updated ${name} to latest and tested everything that depends on it; leave it exactly as it is.`;
    case 'untouched': {
      const later = role.pivotStep !== null ? `step ${role.pivotStep} of ${major} will update it` : `no step of ${major} updates it`;
      return `${name} depends on nothing this step updates, so it is not part of this step; ${later}.`;
    }
  }
}

/** Renders the **Waves** hover section for one package. */
export function renderWavesHover(info: PackageWaves, format: HoverFormat = 'markdown'): string {
  const md = format === 'markdown';
  const code = (s: string) => (md ? `\`${s}\`` : s);
  const bold = (s: string) => (md ? `**${s}**` : s);
  const name = code(info.id);
  const out: string[] = [md ? '**Waves**' : 'Waves'];

  if (!info.checkedOut.repository) {
    out.push(`This folder is not a git repository, so there are no wave branches to show.`);
    return out.join('\n\n');
  }
  if (!info.known) {
    out.push(`${name} is not in the dependency graph, so no wave updates or tests it.`);
    return out.join('\n\n');
  }
  const level = `Level ${info.level}: ${levelGloss(info.level ?? 0)}`;
  if (info.noWaveBranches) {
    out.push(`No wave branches in this repository (names like ${code('WIP-Wave1.1')} or ${code('Wave1.1')}), so ${name} is in no wave.`, level);
    return out.join('\n\n');
  }

  const { branch, wave, role, detached } = info.checkedOut;
  if (detached) out.push('HEAD is detached (no branch is checked out), so you are in no wave.');
  else if (!wave) out.push(`You are on ${code(branch ?? '?')}, which is not a wave branch.`);
  else {
    const state = wave.green ? 'all green (finished)' : 'in progress';
    out.push(`You are on ${code(branch!)}: step ${wave.minor} of major wave ${wave.major}, ${state}.`);
    if (role) {
      const missing = role.stepInPlan ? '' : ` (The plan of major wave ${wave.major} has no step ${wave.minor}.)`;
      out.push(`${bold(info.id)}: ${bold(ROLE_LABELS[role.kind])}. ${roleExplanation(role, name, code)}${missing}`);
    }
  }

  out.push(md ? markdownTable(info) : plainTable(info));
  out.push(level);
  const green = info.newestGreenAtLatest;
  out.push(
    green
      ? `Newest green wave where ${name} is already at latest: ${code(green.branches[0] ?? waveLabel(green))}.`
      : `No green wave has updated ${name} to latest yet.`,
  );
  out.push(md ? `*${GLOSS}*` : GLOSS);
  return out.join('\n\n');
}

// The level is defined once here, in words, whatever its value.
function levelGloss(level: number): string {
  const definition = 'a package that depends on nothing else in the package set has level 0, any other package one more than its highest dependency';
  const root = level === 0 ? 'it is at the root of the dependency tree' : `${level} ${level === 1 ? 'layer' : 'layers'} of dependencies lie beneath it`;
  return `${root} (${definition}). Where steps are not declared, step ${level + 1} updates it.`;
}

function stateMark(wave: KnownWave): string {
  return wave.green ? '✓' : '…';
}

function markdownTable(info: PackageWaves): string {
  const minors = [...new Set(info.majors.flatMap((g) => g.waves.map((w) => w.wave.minor)))].sort((a, b) => a - b);
  const header = `| Step | ${info.majors.map((g) => `Major wave ${g.major}`).join(' | ')} |`;
  const rule = `|---:|${info.majors.map(() => '---').join('|')}|`;
  const rows = minors.map((minor) => {
    const cells = info.majors.map((g) => {
      const entry = g.waves.find((w) => w.wave.minor === minor);
      if (!entry) return '';
      const cell = `${roleCell(entry.role)} ${stateMark(entry.wave)}`;
      return entry.checkedOut ? `**${cell}** ← checked out` : cell;
    });
    return `| ${minor} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows, '', '✓ all green · … in progress'].join('\n');
}

function plainTable(info: PackageWaves): string {
  return info.majors
    .map((g) => {
      const cells = g.waves.map((w) => {
        const state = w.wave.green ? 'green' : 'in progress';
        return `${waveLabel(w.wave)} ${roleCell(w.role)} (${state}${w.checkedOut ? ', checked out' : ''})`;
      });
      return `Major wave ${g.major}: ${cells.join('; ')}`;
    })
    .join('\n');
}
