// The accuracy figures on the real core, as docs/impact-accuracy.md shows them: go-to-definition on
// every package input, unknown-input and unknown-maintainer diagnostics, rebuild impact of every edit
// with a dependant — against the oracle Nix made (test/fixtures/real-core-oracle/). No Nix needed.
//
//   node --import tsx scripts/real-core-accuracy.ts [--misses] [--sites]
import { median, realCoreFigures } from '../test/realCore/measure';
import { universe } from '../test/realCore/oracle';
import type { ImpactRow } from '../test/realCore/impact';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const two = (x: number) => x.toFixed(2);

function impactSummary(label: string, rows: readonly ImpactRow[]): string[] {
  const ok = rows.filter((r) => r.recall >= 0.95 && r.precision >= 0.9);
  return [
    `| ${label} | ${rows.length} | ${ok.length} (${pct(ok.length / rows.length)}) | ${two(Math.min(...rows.map((r) => r.precision)))} / ${two(median(rows.map((r) => r.precision)))} | ${two(Math.min(...rows.map((r) => r.recall)))} / ${two(median(rows.map((r) => r.recall)))} |`,
  ];
}

async function main(): Promise<void> {
  const { oracle, definitions, diagnostics, impact } = await realCoreFigures();
  const attrs = Object.values(oracle.attributes);
  const top = Object.keys(oracle.attributes).filter((a) => !a.includes('.'));
  const count = (kind: string, list: readonly string[]) => list.filter((a) => oracle.attributes[a]!.kind === kind).length;
  const out: string[] = [];
  out.push('## The oracle', '', `core at \`${oracle.source.commit.slice(0, 7)}\`, ${oracle.source.nix}, ${oracle.source.system}.`, '');
  out.push(
    `- ${top.length} top-level attributes: ${count('derivation', top)} derivations, ${count('fails', top)} abort evaluation, ${count('throws', top)} throw (caught by tryEval), the rest sets, functions and values;`,
  );
  out.push(
    `- ${attrs.length - top.length} members of sets marked recurseForDerivations kept (derivations and failures), ${universe(oracle).length - universe(oracle, { topLevelOnly: true }).length} of them derivations;`,
  );
  out.push(
    `- ${Object.keys(oracle.files).length} package files with their inputs (${Object.values(oracle.files).filter((f) => f.by.length === 0).length} reached by no attribute, called by the oracle); ${Object.keys(oracle.sites).length} edit sites measured, ${Object.keys(oracle.noSite).length} derivations without one.`,
    '',
  );

  out.push('## Definitions', '');
  out.push(
    `${definitions.hits} of ${definitions.cases} package inputs land where Nix says: **${pct(definitions.hits / definitions.cases)}** (${definitions.withoutPosition} inputs whose derivation has no meta.position, and ${definitions.notFormals} that are no formal of their file, not counted).`,
    '',
  );
  const byFile = new Map<string, number>();
  for (const m of definitions.misses)
    for (const p of m.nix.slice(0, 1)) byFile.set(p.replace(/:\d+$/, ''), (byFile.get(p.replace(/:\d+$/, '')) ?? 0) + 1);
  out.push(
    'Misses by where Nix says the input is defined:',
    '',
    ...[...byFile]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([f, n]) => `- ${n} × \`${f}\``),
    '',
  );
  if (process.argv.includes('--misses'))
    out.push(...definitions.misses.map((m) => `- \`${m.file}\` \`${m.formal}\`: Nix ${m.nix[0]}, F12 ${m.tool}`), '');

  out.push('## Diagnostics', '');
  const verdicts = (xs: readonly { verdict: string }[]) =>
    ['true', 'false', 'unverified'].map((v) => xs.filter((x) => x.verdict === v).length);
  const [ti, fi, ui] = verdicts(diagnostics.inputs);
  const [tm, fm, um] = verdicts(diagnostics.maintainers);
  out.push(
    `- unknown inputs: ${diagnostics.inputs.length} reported; ${ti} name what Nix's callPackage cannot find either, ${fi} something it provides, ${ui} in files Nix never calls;`,
  );
  out.push(`- of the ${diagnostics.nixMissing} inputs Nix's callPackage cannot find, ${diagnostics.nixMissingReported} are reported;`);
  out.push(
    `- unknown maintainers: ${diagnostics.maintainers.length} reported; ${tm} not in lib.maintainers or lib.teams, ${fm} in them${um ? `, ${um} unverified` : ''}.`,
    '',
  );

  out.push('## Impact', '');
  out.push(
    '| Counted over | Edits with a dependant | Recall ≥ 0.95 and precision ≥ 0.9 | Precision min / median | Recall min / median |',
    '|---|--:|--:|--:|--:|',
  );
  out.push(...impactSummary('top-level attributes', impact), '');
  if (process.argv.includes('--sites')) {
    for (const r of impact)
      out.push(
        `- \`${r.site}\` (${r.packages.slice(0, 3).join(' ')}): Nix ${r.truth}, static ${r.predicted}, P ${two(r.precision)}, R ${two(r.recall)}`,
      );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
