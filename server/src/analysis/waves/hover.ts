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

/** One sentence on what a role asks of the package, naming the package `name`. */
export function roleSentence(role: Role, name: string, code: (s: string) => string = (s) => s): string {
  const wave = `${role.wave.major}`;
  switch (role.kind) {
    case 'update':
      return `${ROLE_LABELS.update}: this step's job is to update ${name} to its latest version.`;
    case 'test': {
      const path = role.via ?? [];
      const pivot = path[path.length - 1];
      const through = path.length > 2 ? ` (through ${path.slice(1, -1).map(code).join(' → ')})` : '';
      const on = pivot ? `it depends on ${code(pivot)}${through}, which` : 'it depends on a package that';
      return `${ROLE_LABELS.test}: ${on} this step updates to latest, so make ${name} build and pass its tests again (bump it if that is what it takes).`;
    }
    case 'frozen':
      return `${ROLE_LABELS.frozen}: step ${role.pivotStep} of major wave ${wave} already updated ${name} to latest, so leave it exactly as it is.`;
    case 'untouched': {
      const later = role.pivotStep !== null
        ? `step ${role.pivotStep} of major wave ${wave} will update it`
        : `no step of major wave ${wave} updates it`;
      return `${ROLE_LABELS.untouched}: ${name} depends on nothing this step updates; ${later}.`;
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
      out.push(`${bold(info.id)} — ${roleSentence(role, name, code)}${missing}`);
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

function levelGloss(level: number): string {
  if (level === 0) return 'it depends on nothing else in the package set (the root of the tree).';
  return `its deepest chain of dependencies inside the package set is ${level} long (level 0 depends on nothing), so a derived plan updates it in step ${level + 1}.`;
}

function stateMark(wave: KnownWave): string {
  return wave.green ? '✓' : '…';
}

function markdownTable(info: PackageWaves): string {
  const minors = [...new Set(info.majors.flatMap((g) => g.waves.map((w) => w.wave.minor)))].sort((a, b) => a - b);
  const header = `| Step | ${info.majors.map((g) => `Wave ${g.major}`).join(' | ')} |`;
  const rule = `|---:|${info.majors.map(() => '---').join('|')}|`;
  const rows = minors.map((minor) => {
    const cells = info.majors.map((g) => {
      const entry = g.waves.find((w) => w.wave.minor === minor);
      if (!entry) return '';
      const cell = `${roleCell(entry.role)} ${stateMark(entry.wave)}`;
      return entry.checkedOut ? `**${cell}** ← you` : cell;
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
      return `Wave ${g.major}: ${cells.join('; ')}`;
    })
    .join('\n');
}
