// The static answers against Nix on the real core: a clone of the corpus' core indexed as the
// server indexes it, compared with the oracle Nix made (scripts/real-core-oracle.ts writes it into
// test/fixtures/real-core-oracle/; no Nix runs here). The figures are in docs/impact-accuracy.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { corpusTest } from '../corpus';
import { changedPackages } from '../../server/src/analysis/impact/changes';
import { RebuildModel, rebuildImpact, impactTitle } from '../../server/src/analysis/impact/closure';
import { median, realCoreFigures } from './measure';

test('the oracle was made from the corpus the tests clone', corpusTest(), async () => {
  const { oracle, analyzer } = await realCoreFigures();
  const head = execFileSync('git', ['-C', analyzer.root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  assert.equal(oracle.source.commit, head, 'the corpus changed: rerun scripts/real-core-oracle.ts');
  assert.ok(Object.keys(oracle.sites).length >= 500, `only ${Object.keys(oracle.sites).length} edit sites in the oracle`);
});

test('go-to-definition on package inputs lands where Nix says for at least 98% of them', corpusTest(), async (t) => {
  const { definitions } = await realCoreFigures();
  const ratio = definitions.hits / definitions.cases;
  t.diagnostic(`${definitions.hits}/${definitions.cases} = ${(100 * ratio).toFixed(2)}%`);
  assert.ok(definitions.cases > 2500, `only ${definitions.cases} package inputs measured`);
  const sample = definitions.misses
    .slice(0, 15)
    .map((m) => `${m.file}#${m.formal}: Nix ${m.nix[0]}, F12 ${m.tool}`)
    .join('\n');
  assert.ok(ratio >= 0.98, `${(100 * ratio).toFixed(2)}% < 98%; misses include:\n${sample}`);
});

test('every unknown-input and unknown-maintainer diagnostic names something Nix cannot find either', corpusTest(), async (t) => {
  const { diagnostics } = await realCoreFigures();
  const wrong = [...diagnostics.inputs, ...diagnostics.maintainers].filter((d) => d.verdict !== 'true');
  t.diagnostic(
    `${diagnostics.inputs.length} unknown inputs, ${diagnostics.maintainers.length} unknown maintainers; Nix cannot find ${diagnostics.nixMissing} inputs, ${diagnostics.nixMissingReported} of them reported`,
  );
  assert.ok(diagnostics.inputs.length > 100 && diagnostics.maintainers.length > 100, 'too few diagnostics to judge');
  assert.deepEqual(
    wrong.map((d) => `${d.file}:${d.line} ${d.name} (${d.verdict}: ${d.why})`),
    [],
  );
});

test('the lens, the hover figure and the CLI agree on a package file, and the quick count with the full one', corpusTest(), async () => {
  const { analyzer, oracle } = await realCoreFigures();
  const model = RebuildModel.of(analyzer);
  let compared = 0;
  for (const site of Object.keys(oracle.sites)) {
    const file = site.replace(/:\d+:\d+$/, '');
    const own = analyzer.catalog.packagesInFile(file);
    if (own.length !== 1) continue;
    // The CLI maps the changed file to its package; the lens and the hover show that package's closure.
    const cli = model.rebuildClosure(changedPackages(analyzer, model, { files: [{ status: 'M', path: file }], lines: new Map() }).packages);
    const lens = rebuildImpact(analyzer, own[0]!);
    assert.equal(impactTitle(lens), impactTitle(cli), site);
    assert.deepEqual(lens.domains, cli.domains, site);
    // Counted from the packages the change reaches (most changes), as going through every name counts it.
    assert.deepEqual(lens.domains, model.rebuildClosure(own, { everyPair: true }).domains, site);
    compared++;
  }
  assert.ok(compared > 300, `only ${compared} single-package files compared`);
});

test('rebuild impact against Nix on every edit with a dependant', corpusTest(), async (t) => {
  const { impact } = await realCoreFigures();
  const ok = impact.filter((r) => r.recall >= 0.95 && r.precision >= 0.9);
  t.diagnostic(
    `${impact.length} edits; ${ok.length} with recall >= 0.95 and precision >= 0.9; precision median ${median(impact.map((r) => r.precision)).toFixed(2)}, recall median ${median(impact.map((r) => r.recall)).toFixed(2)}`,
  );
  assert.ok(impact.length >= 100, `only ${impact.length} edits with a dependant`);
  // The bar is recall >= 0.95 and precision >= 0.9 for every edit, and every edit meets it.
  const under = impact
    .filter((r) => !(r.recall >= 0.95 && r.precision >= 0.9))
    .map((r) => `${r.site}: precision ${r.precision.toFixed(2)}, recall ${r.recall.toFixed(2)}`);
  assert.deepEqual(under, [], `${ok.length}/${impact.length} edits meet both bars`);
  // The 20 edits Nix rebuilds most for (the stdenv closure's packages, the compiler wrapper) all meet both.
  const top = [...impact].sort((a, b) => b.truth - a.truth).slice(0, 20);
  const topFailing = top.filter((r) => !(r.recall >= 0.95 && r.precision >= 0.9)).map((r) => r.site);
  assert.deepEqual(topFailing, [], 'of the 20 most depended-on edits');
  const recall = median(impact.map((r) => r.recall));
  const precision = median(impact.map((r) => r.precision));
  assert.ok(recall >= RECALL_MEDIAN, `recall median ${recall.toFixed(2)} (was ${RECALL_MEDIAN})`);
  assert.ok(precision >= PRECISION_MEDIAN, `precision median ${precision.toFixed(2)} (was ${PRECISION_MEDIAN})`);
  // The means too: a median moves little when many edits gain or lose a few names.
  const f1 = impact.map((r) => (r.precision + r.recall > 0 ? (2 * r.precision * r.recall) / (r.precision + r.recall) : 0));
  assert.ok(mean(impact.map((r) => r.recall)) >= RECALL_MEAN, `recall mean (was ${RECALL_MEAN})`);
  assert.ok(mean(impact.map((r) => r.precision)) >= PRECISION_MEAN, `precision mean (was ${PRECISION_MEAN})`);
  assert.ok(mean(f1) >= F1_MEAN, `F1 mean ${mean(f1).toFixed(3)} (was ${F1_MEAN})`);
});

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The medians and the means, as measured when this test was last updated. */
const RECALL_MEDIAN = 0.99;
const PRECISION_MEDIAN = 0.99;
const RECALL_MEAN = 0.99;
const PRECISION_MEAN = 0.98;
const F1_MEAN = 0.99;
