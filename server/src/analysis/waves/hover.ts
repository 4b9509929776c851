// The **Waves** hover section: what a contributor reads at a glance — the checked-out step and
// the package's role in it, a table of every known wave (one column per major wave, one row per
// step), the level on one line — and a link to the wave plan, which explains the words.
import { type KnownWave, waveLabel } from './branches';
import type { PackageWaves } from './packageWaves';
import { ROLE_LABELS, type Role } from './roles';

/** Output flavour of the hover renderer. */
export type HoverFormat = 'markdown' | 'plaintext';

/** How the hover renders. */
export interface WavesHoverOptions {
  /** The last line: where the plan and the explanations are (a link in VS Code, a command elsewhere). */
  more?: string;
}

/** One short cell of the wave table. */
function roleCell(role: Role): string {
  if (role.kind !== 'untouched') return ROLE_LABELS[role.kind];
  return role.pivotStep !== null ? `untouched (step ${role.pivotStep} updates it)` : 'untouched';
}

/** What a role asks of the package, in one short clause (without the role label). */
export function roleExplanation(role: Role, code: (s: string) => string = (s) => s): string {
  switch (role.kind) {
    case 'update':
      return 'this step updates it to its latest version.';
    case 'test': {
      const path = role.via ?? [];
      const pivot = path[path.length - 1];
      const through = path.length > 2 ? ` (through ${path.slice(1, -1).map(code).join(' → ')})` : '';
      const on = pivot ? `it depends on ${code(pivot)}${through}` : 'it depends on a package';
      return `${on}, which this step updates: make it build and pass its tests again.`;
    }
    case 'frozen':
      return `step ${role.pivotStep} already updated it to latest and tested what depends on it; leave it as it is.`;
    case 'untouched':
      return role.pivotStep !== null
        ? `it depends on nothing this step updates; step ${role.pivotStep} updates it.`
        : `it depends on nothing this step updates, and no step of major wave ${role.wave.major} updates it.`;
  }
}

/** Renders the **Waves** hover section for one package. */
export function renderWavesHover(info: PackageWaves, format: HoverFormat = 'markdown', options: WavesHoverOptions = {}): string {
  const md = format === 'markdown';
  const code = (s: string) => (md ? `\`${s}\`` : s);
  const bold = (s: string) => (md ? `**${s}**` : s);
  const title = bold('Waves');
  const more = options.more ? [options.more] : [];

  if (!info.checkedOut.repository) return `${title} · this folder is not a git repository, so there are no wave branches.`;
  if (!info.known) return `${title} · ${code(info.id)} is not in the dependency graph, so no wave updates or tests it.`;
  const level = `Level ${info.level}`;
  if (info.noWaveBranches) {
    return [
      `${title} · no wave branches in this repository (names like ${code('WIP-Wave1.1')} or ${code('Wave1.1')})`,
      level,
      ...more,
    ].join('\n\n');
  }

  const out: string[] = [];
  const { branch, wave, role, detached } = info.checkedOut;
  if (detached) out.push(`${title} · HEAD is detached, so you are in no wave`);
  else if (!wave) out.push(`${title} · on ${code(branch ?? '?')}, which is not a wave branch`);
  else {
    out.push(`${title} · on ${code(branch!)}: step ${wave.minor} of major wave ${wave.major}, ${wave.green ? 'all green' : 'in progress'}`);
    if (role) {
      const missing = role.stepInPlan ? '' : ` (Major wave ${wave.major} has no step ${wave.minor}.)`;
      out.push(`${bold(ROLE_LABELS[role.kind])}: ${roleExplanation(role, code)}${missing}`);
    }
  }
  out.push(md ? markdownTable(info) : plainTable(info));
  const green = info.newestGreenAtLatest;
  out.push(
    `${level} · ${green ? `at latest since ${code(green.branches[0] ?? waveLabel(green))}` : 'not at latest in any green wave yet'}`,
  );
  out.push(...more);
  return out.join('\n\n');
}

function branchOf(wave: KnownWave): string {
  return wave.branches[0] ?? waveLabel(wave);
}

// Each cell starts with its branch name in code: the code span's box keeps neighbouring columns
// apart where a hover renders tables without padding (VS Code), and the name says the step, so
// each column simply lists its major wave's known branches in order, with no empty rows.
function markdownTable(info: PackageWaves): string {
  const height = Math.max(0, ...info.majors.map((g) => g.waves.length));
  const header = `| ${info.majors.map((g) => `Major wave ${g.major}`).join(' | ')} |`;
  const rule = `|${info.majors.map(() => '---').join('|')}|`;
  const rows = Array.from({ length: height }, (_, row) => {
    const cells = info.majors.map((g) => {
      const entry = g.waves[row];
      if (!entry) return '';
      const cell = `\`${branchOf(entry.wave)}\` ${roleCell(entry.role)}`;
      return entry.checkedOut ? `**${cell}** ← you are here` : cell;
    });
    return `| ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

function plainTable(info: PackageWaves): string {
  return info.majors
    .map((g) => {
      const cells = g.waves.map((w) => `${branchOf(w.wave)} ${roleCell(w.role)}${w.checkedOut ? ' (you are here)' : ''}`);
      return `Major wave ${g.major}: ${cells.join('; ')}`;
    })
    .join('\n');
}
