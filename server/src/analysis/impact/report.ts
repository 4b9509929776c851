// The reviewer's report of `nix-domains impact --base REF`: changed packages, rebuilds per domain
// in the buckets of nixpkgs' `10.rebuild-*` labels, the wave steps the change touches; rendered
// as text, JSON, or markdown for a pull request comment.
import type { BranchSnapshot } from '../waves/gitBranches';
import { parseWaveBranch, waveLabel } from '../waves/branches';
import { wavePatternsOf } from '../waves/manifest';
import { wavesOfSnapshot } from '../waves/packageWaves';
import { rolesAt, type WaveModel } from '../waves/roles';
import type { RebuildImpact } from './closure';
import type { FileImpact } from './changes';
import { formatCount } from '../counts';

/** The upper bounds of nixpkgs' rebuild buckets (`10.rebuild-linux: 1-10`, …, `5001+`). */
const BUCKETS: readonly [number, string][] = [
  [10, '1-10'],
  [100, '11-100'],
  [500, '101-500'],
  [1000, '501-1000'],
  [2500, '1001-2500'],
  [5000, '2501-5000'],
];

/** The bucket nixpkgs' rebuild labels use for a count: `0`, `1-10`, …, `5001+`. */
export function rebuildBucket(count: number): string {
  if (count <= 0) return '0';
  for (const [upTo, name] of BUCKETS) if (count <= upTo) return name;
  return '5001+';
}

/** The nixpkgs label for a rebuild count (`10.rebuild-linux: 11-100`). The static count is not per platform. */
export function rebuildLabel(count: number): string {
  return `10.rebuild-linux: ${rebuildBucket(count)}`;
}

/** One wave step the change touches. */
interface TouchedStep {
  step: number;
  /** `1.2` */
  wave: string;
  state: 'green' | 'in progress' | 'not started';
  branches: string[];
  /** Changed packages this step updates (they are in its pivot set). */
  updates: string[];
  /** Changed packages this step retests (they depend on one of its pivots). */
  retests: string[];
}

/** The steps of one major wave the change touches. */
export interface TouchedMajor {
  major: number;
  source: 'declared' | 'derived';
  steps: TouchedStep[];
}

/** Which steps of which major waves update or retest the changed packages (graph ids). */
export function touchedWaveSteps(
  model: WaveModel,
  snapshot: BranchSnapshot,
  changedIds: readonly string[],
): { majors: TouchedMajor[]; notes: string[] } {
  const known = wavesOfSnapshot(model, snapshot);
  const majors = [...new Set(known.map((w) => w.major))].sort((a, b) => a - b);
  if (majors.length === 0) majors.push(1);
  const notes: string[] = [];
  const ids = changedIds.filter((id) => model.graph.has(id));
  const out = majors.map((major): TouchedMajor => {
    const plan = model.plan(major);
    const refs = plan.steps.map((s) => ({ major, minor: s.number }));
    const steps: TouchedStep[] = plan.steps.map((s) => {
      const wave = known.find((w) => w.major === major && w.minor === s.number);
      return {
        step: s.number,
        wave: waveLabel({ major, minor: s.number }),
        state: wave ? (wave.green ? 'green' : 'in progress') : 'not started',
        branches: wave?.branches ?? [],
        updates: [],
        retests: [],
      };
    });
    for (const id of ids) {
      rolesAt(model, id, refs)?.forEach((role, i) => {
        if (role.kind === 'update') steps[i]!.updates.push(id);
        else if (role.kind === 'test') steps[i]!.retests.push(id);
      });
    }
    return { major, source: plan.source, steps: steps.filter((s) => s.updates.length > 0 || s.retests.length > 0) };
  });
  // Changing a package that the checked-out WIP wave has frozen is what a reviewer must see first.
  const checked = snapshot.current ? parseWaveBranch(snapshot.current, wavePatternsOf(model.waves)) : null;
  if (checked && !checked.green) {
    const frozen = ids.filter((id) => rolesAt(model, id, [checked])?.[0]?.kind === 'frozen');
    if (frozen.length > 0)
      notes.push(
        `${frozen.join(', ')} ${frozen.length === 1 ? 'is' : 'are'} frozen at wave ${waveLabel(checked)} (checked out): an earlier step already updated ${frozen.length === 1 ? 'it' : 'them'}.`,
      );
  }
  return { majors: out, notes };
}

/** Rebuilds of one domain with their bucket. */
export interface DomainRow {
  domain: string;
  /** Attributes that rebuild (the figure); `packages` names them, `members` lists nested-set packages not counted. */
  count: number;
  bucket: string;
  label: string;
  packages: string[];
  members?: string[];
}

/** Everything the `impact` command reports, JSON-ready. */
export interface ImpactReport {
  base: string;
  mergeBase: string;
  files: FileImpact[];
  /** Attribute paths of the changed packages. */
  changed: string[];
  stdenvChanged: boolean;
  domains: DomainRow[];
  total: number;
  stdenv: RebuildImpact['stdenv'];
  waves: TouchedMajor[];
  notes: string[];
}

/** Builds the report's domain rows (every domain with rebuilds; the analysed one even with none). */
export function domainRows(domain: string, impact: RebuildImpact): DomainRow[] {
  const rows = impact.domains.map((d) => ({ ...d, bucket: rebuildBucket(d.count), label: rebuildLabel(d.count) }));
  if (!rows.some((r) => r.domain === domain)) rows.unshift({ domain, count: 0, bucket: '0', label: rebuildLabel(0), packages: [] });
  return rows;
}

/** Output formats of `renderImpactReport`. */
export type ImpactFormat = 'text' | 'json' | 'markdown';

/** Renders the report; markdown fits a pull request comment (long lists are cut and folded). */
export function renderImpactReport(report: ImpactReport, format: ImpactFormat, listLimit = 500): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return format === 'markdown' ? markdown(report, listLimit) : text(report, listLimit);
}

function cut(names: readonly string[], limit: number, show: (s: string) => string): string {
  const shown = names.slice(0, limit).map(show).join(' ');
  return names.length > limit ? `${shown} … and ${formatCount(names.length - limit)} more (all in --format json)` : shown;
}

function stdenvLine(report: ImpactReport): string | undefined {
  if (!report.stdenv.touched) return undefined;
  const why = report.stdenvChanged ? 'stdenv itself changes' : 'the change reaches what stdenv is built from';
  return `+ everything built with stdenv: ${why} (${formatCount(report.stdenv.rebuilds)} of the rebuilds come from that).`;
}

function markdown(report: ImpactReport, limit: number): string {
  const out: string[] = [`### Rebuild impact against \`${report.base}\``];
  const rows = ['| Domain | Rebuilds | Label |', '|---|---:|---|'];
  for (const d of report.domains) rows.push(`| ${d.domain} | ${formatCount(d.count)} | \`${d.label}\` |`);
  if (report.domains.length > 1) rows.push(`| **total** | **${formatCount(report.total)}** | |`);
  out.push(rows.join('\n'));
  const stdenv = stdenvLine(report);
  if (stdenv) out.push(`**${stdenv}**`);
  out.push(
    report.changed.length === 0
      ? '**Changed packages:** none (no changed file maps to a package).'
      : `**Changed packages (${report.changed.length}):** ${cut(report.changed, 50, (s) => `\`${s}\``)}`,
  );
  for (const major of report.waves) {
    if (major.steps.length === 0) continue;
    const how = major.source === 'declared' ? 'declared steps' : 'steps derived from levels';
    const lines = [
      `**Wave steps touched, major wave ${major.major}** (${how})`,
      '',
      '| Wave | Branch | State | Updates | Retests |',
      '|---|---|---|---|---|',
    ];
    for (const s of major.steps) {
      const branch = s.branches[0] ? `\`${s.branches[0]}\`` : '—';
      lines.push(
        `| ${s.wave} | ${branch} | ${s.state} | ${cut(s.updates, 8, (x) => `\`${x}\``) || '—'} | ${cut(s.retests, 8, (x) => `\`${x}\``) || '—'} |`,
      );
    }
    out.push(lines.join('\n'));
  }
  out.push(...report.notes.map((n) => `> ${n}`));
  const files = report.files.map(
    (f) => `| \`${f.path}\` | ${f.status} | ${f.packages.map((p) => `\`${p}\``).join(' ') || (f.stdenv ? 'stdenv' : '—')} |`,
  );
  if (files.length > 0) {
    out.push(
      `<details><summary>Changed files (${files.length})</summary>\n\n| File | Status | Packages |\n|---|---|---|\n${files.slice(0, limit).join('\n')}\n\n</details>`,
    );
  }
  for (const d of report.domains) {
    if (d.count > 0)
      out.push(
        `<details><summary>${d.domain}: ${formatCount(d.count)} attribute${d.count === 1 ? '' : 's'} rebuild</summary>\n\n${cut(d.packages, limit, (s) => `\`${s}\``)}\n\n</details>`,
      );
    const members = d.members ?? [];
    if (members.length > 0)
      out.push(
        `<details><summary>${d.domain}: and ${formatCount(members.length)} package${members.length === 1 ? '' : 's'} of nested sets (not counted)</summary>\n\n${cut(members, limit, (s) => `\`${s}\``)}\n\n</details>`,
      );
  }
  out.push('<sub>A static estimate by nix-domains (no evaluation): see docs/impact-accuracy.md.</sub>');
  return `${out.join('\n\n')}\n`;
}

function text(report: ImpactReport, limit: number): string {
  const out: string[] = [`Rebuild impact against ${report.base} (merge base ${report.mergeBase.slice(0, 12)})`];
  out.push(report.domains.map((d) => `  ${d.domain.padEnd(12)} ${formatCount(d.count).padStart(7)}  ${d.label}`).join('\n'));
  if (report.domains.length > 1) out.push(`  ${'total'.padEnd(12)} ${formatCount(report.total).padStart(7)}`);
  const stdenv = stdenvLine(report);
  if (stdenv) out.push(stdenv);
  out.push(`Changed packages (${report.changed.length}): ${report.changed.length ? cut(report.changed, 50, (s) => s) : 'none'}`);
  for (const major of report.waves) {
    for (const s of major.steps) {
      const parts = [
        s.updates.length ? `updates ${cut(s.updates, 8, (x) => x)}` : '',
        s.retests.length ? `retests ${cut(s.retests, 8, (x) => x)}` : '',
      ].filter(Boolean);
      out.push(`Wave ${s.wave} (${s.branches[0] ?? s.state}): ${parts.join('; ')}`);
    }
  }
  out.push(...report.notes.map((n) => `Note: ${n}`));
  out.push(
    [
      'Changed files:',
      ...report.files.slice(0, limit).map((f) => `  ${f.status} ${f.path} → ${f.packages.join(' ') || (f.stdenv ? 'stdenv' : '-')}`),
    ].join('\n'),
  );
  for (const d of report.domains) {
    if (d.count > 0) out.push(`${d.domain} rebuilds: ${cut(d.packages, limit, (s) => s)}`);
    if (d.members?.length) out.push(`${d.domain} nested-set packages (not counted): ${cut(d.members, limit, (s) => s)}`);
  }
  return `${out.join('\n')}\n`;
}
