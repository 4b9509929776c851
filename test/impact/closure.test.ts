import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fixtureAnalyzer } from '../helpers';
import { impactTitle, RebuildModel, rebuildImpact } from '../../server/src/analysis/impact/closure';
import { validateImpactManifest } from '../../server/src/analysis/impact/manifest';
import { messagesOf } from '../../server/src/analysis/manifestValues';
import { builtWithStdenv } from './fixturePackages';
import { Budget } from '../../server/src/analysis/budget';
import { domainGraph, prepareDomainGraph } from '../../server/src/analysis/dependencyGraph';
import { fewPairs, MARKED, namedPairs, VARIANT } from '../../server/src/analysis/impact/namedPairs';

const ROOT = path.join(__dirname, '..', 'fixtures', 'nix-eval-domain');

async function pkg(attrPath: string) {
  const analyzer = await fixtureAnalyzer(ROOT);
  const found = analyzer.catalog.all().find((p) => p.attrPath === attrPath);
  assert.ok(found, `no package ${attrPath}`);
  return { analyzer, pkg: found };
}

test('a leaf package rebuilds itself and its dependants, not stdenv', async () => {
  const { analyzer, pkg: xorgproto } = await pkg('xorgproto');
  const impact = rebuildImpact(analyzer, xorgproto);
  // Counted by top-level attribute name; the members of the nested `xorg` set are listed apart.
  assert.deepEqual(impact.domains, [
    {
      domain: 'core',
      count: 2,
      packages: ['xclock', 'xorgproto'],
      members: ['xorg.libX11', 'xorg.libXext', 'xorg.libXt'],
    },
  ]);
  assert.deepEqual(impact.stdenv, { touched: false, rebuilds: 0 });
});

test('stdenv is derived from the domain: what it is built from, transitively', async () => {
  const { analyzer } = await pkg('gcc');
  const model = RebuildModel.of(analyzer);
  assert.equal(model.stdenv.source, 'derived');
  const inClosure = analyzer.catalog
    .all()
    .filter((p) => model.inStdenvClosure(p))
    .map((p) => p.attrPath)
    .sort();
  assert.deepEqual(inClosure, ['bash', 'binutils', 'coreutils', 'gcc', 'glibc', 'gmp', 'linux-headers', 'mpfr']);
  assert.deepEqual([...model.stdenv.files], ['pkgs/stdenv/default.nix']);
});

test('changing what stdenv is built from rebuilds everything built with stdenv', async () => {
  const { analyzer, pkg: mpfr } = await pkg('mpfr');
  const impact = rebuildImpact(analyzer, mpfr);
  assert.equal(impact.stdenv.touched, true);
  // Everything but the bootstrap tools mpfr does not feed, and the plain derivation built without stdenv.
  const rebuilt = new Set(impact.domains[0]!.packages);
  for (const name of ['gcc', 'mpfr', 'zlib', 'xclock', 'marker', 'curl-full', 'config-consumer']) assert.ok(rebuilt.has(name), name);
  for (const name of ['gmp', 'glibc', 'bash', 'config-file']) assert.ok(!rebuilt.has(name), name);
  // stdenv itself and its aliases are attributes that rebuild too.
  for (const name of ['stdenv', 'stdenvNoCC']) assert.ok(rebuilt.has(name), name);
  assert.equal(impactTitle(impact), `rebuilds ${impact.total} packages + everything built with stdenv`);
});

test('a stdenv change with no changed package (a file of stdenv itself)', async () => {
  const { analyzer } = await pkg('zlib');
  const impact = RebuildModel.of(analyzer).rebuildClosure([], { stdenvChanged: true });
  assert.equal(impact.stdenv.touched, true);
  // What the fixture builds with stdenv, read from its files, is all there, by attribute name
  // (aliases too), and stdenv itself; the total counts those names.
  const names = impact.domains[0]!.packages;
  assert.equal(impact.total, names.length);
  const members = impact.domains[0]!.members ?? [];
  for (const name of builtWithStdenv(ROOT)) assert.ok(names.includes(name) || members.includes(name), name);
  assert.ok(names.includes('stdenv'));
});

test('the manifest names what stdenv is built from instead', async () => {
  const { analyzer, pkg: zlib } = await pkg('zlib');
  const settings = validateImpactManifest({ stdenv: ['zlib', 'nonesuch'] }).settings;
  const model = RebuildModel.of(analyzer, settings);
  assert.equal(model.stdenv.source, 'manifest');
  assert.deepEqual(model.stdenv.problems, ['impact.stdenv names "nonesuch", which is no package of the domain core']);
  assert.equal(model.rebuildClosure([zlib]).stdenv.touched, true);
  assert.equal(RebuildModel.of(analyzer).rebuildClosure([zlib]).stdenv.touched, false);
});

test('the manifest section is validated with messages that say where and what, at the key they name', () => {
  const messages = (value: unknown) => messagesOf(validateImpactManifest(value, 'nix-domains.json: ').problems);
  assert.deepEqual(messages(['gcc']), ['nix-domains.json: impact must be an object like { "stdenv": ["gcc", "bash"] }']);
  assert.deepEqual(messages({ stdenv: 'gcc', extra: 1 }), [
    'nix-domains.json: impact.extra is not a known setting (known: stdenv)',
    'nix-domains.json: impact.stdenv must be a list of attribute names, like ["gcc", "glibc", "bash"]',
  ]);
  assert.deepEqual(validateImpactManifest({ stdenv: ['gcc', 3, ''] }, 'nix-domains.json: '), {
    settings: { stdenv: ['gcc'] },
    problems: [
      { path: ['impact', 'stdenv', 1], message: 'nix-domains.json: impact.stdenv[1] must be a non-empty attribute name, not 3' },
      { path: ['impact', 'stdenv', 2], message: 'nix-domains.json: impact.stdenv[2] must be a non-empty attribute name, not ""' },
    ],
  });
});

test('other domains add their rebuilds through the foreign hook, grouped by domain', async () => {
  const { analyzer, pkg: jq } = await pkg('oniguruma');
  const asked: string[] = [];
  const impact = rebuildImpact(analyzer, jq, undefined, (domain, attr) => {
    asked.push(`${domain}:${attr}`);
    return attr === 'jq' ? ['rust:jaq-compat', 'extras:jq-wrapped', 'core:jq', 'extras:jq-wrapped'] : [];
  });
  assert.deepEqual(asked, ['core:jq', 'core:oniguruma']);
  assert.deepEqual(
    impact.domains.map((d) => `${d.domain} ${d.count} ${d.packages.join(',')}`),
    ['core 2 jq,oniguruma', 'extras 1 jq-wrapped', 'rust 1 jaq-compat'],
  );
  assert.equal(impact.total, 4);
  assert.equal(impactTitle(impact), 'rebuilds 4 packages (core 2 · extras 1 · rust 1)');
});

test("a domain's rebuild graph shares its input graph's id tables", async () => {
  const analyzer = await fixtureAnalyzer(ROOT);
  assert.ok(await prepareDomainGraph(analyzer, new Budget()));
  const inputs = domainGraph(analyzer, 'inputs').graph;
  const built = domainGraph(analyzer, 'built').graph;
  assert.ok(inputs.size > 10);
  assert.equal(built.ids(), inputs.ids());
});

test('a closure asked again is the one kept; the quick count of a small change equals going through every name', async () => {
  const { analyzer } = await pkg('gcc');
  const model = RebuildModel.of(analyzer);
  let small = 0;
  for (const p of analyzer.catalog.all()) {
    const impact = rebuildImpact(analyzer, p);
    assert.equal(rebuildImpact(analyzer, p), impact, `${p.attrPath}: asked again, the kept answer`);
    assert.deepEqual(impact, model.rebuildClosure([p], { everyPair: true }), p.attrPath);
    if (!impact.stdenv.touched) small++;
  }
  // Both ways were taken: changes that reach few packages, and stdenv changes that reach most.
  assert.ok(small > 5 && small < analyzer.catalog.all().length, `${small} small changes`);
});

test('changes of several packages at once, one given twice among them, count the same the quick way and through every name', async () => {
  const { analyzer } = await pkg('gcc');
  const model = RebuildModel.of(analyzer);
  const all = analyzer.catalog.all();
  let small = 0;
  for (let i = 0; i + 1 < all.length; i++) {
    const changed = [all[i]!, all[i + 1]!, all[i]!];
    const quick = model.rebuildClosure(changed);
    assert.deepEqual(quick, model.rebuildClosure(changed, { everyPair: true }), changed.map((p) => p.attrPath).join(' + '));
    if (!quick.stdenv.touched) small++;
  }
  assert.ok(small > 3, `${small} changes that do not reach stdenv`);
});

test("the pairs a change reaching few packages (given as the list of them) counts: their pairs and the variants', in name order; none past a quarter", () => {
  // 16 names in order on 8 packages (name i on package i mod 8); name 5 is a variant.
  const pairs = Array.from({ length: 16 }, (_, i) => ({ name: `n${String(i).padStart(2, '0')}`, at: i % 8 }));
  const named = namedPairs(8, pairs, ({ name }) => (name === 'n05' ? VARIANT : MARKED));
  assert.deepEqual([...fewPairs(named, [2])!], [2, 5, 10]);
  // A marked variant's pair comes twice, side by side (its name is counted once).
  assert.deepEqual([...fewPairs(named, [5])!], [5, 5, 13]);
  assert.deepEqual([...fewPairs(named, [])!], [5]);
  // Two packages: 4 pairs and the variant's, more than a quarter of 16: every pair is gone through.
  assert.equal(fewPairs(named, [2, 3]), undefined);
});
