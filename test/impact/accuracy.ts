// Precision and recall of the static rebuild closure against real Nix on the fixture domain.
import path from 'node:path';
import { fixtureAnalyzer } from '../helpers';
import type { Analyzer } from '../../server/src/analysis/analyzer';
import { RebuildModel } from '../../server/src/analysis/impact/closure';
import type { ImpactSettings } from '../../server/src/analysis/impact/manifest';
import type { Package } from '../../server/src/analysis/packages';
import { derivationAttributes, evaluatedRebuilds } from './nixTruth';

const ROOT = path.join(__dirname, '..', 'fixtures', 'nix-eval-domain');

/** The package an attribute path (`xorg.libX11`, an alias like `python3`) stands for. */
function packageOfAttr(analyzer: Analyzer, attr: string): Package | undefined {
  const [head, ...rest] = attr.split('.');
  let target = analyzer.resolver.lookupGlobal(head!);
  for (const name of rest) target = target && analyzer.resolver.select(target, name);
  return target && analyzer.catalog.packageAt(target);
}

export interface Measured {
  attr: string;
  truth: number;
  predicted: number;
  precision: number;
  recall: number;
  missed: string[];
  extra: string[];
}

/** Precision and recall of the static closure of each package against Nix's evaluated rebuilds. */
export async function measure(settings: ImpactSettings = {}): Promise<Measured[]> {
  const analyzer = await fixtureAnalyzer(ROOT);
  const model = RebuildModel.of(analyzer, settings);
  const universe = await derivationAttributes(ROOT);
  const packageOf = new Map(universe.map((attr) => [attr, packageOfAttr(analyzer, attr)]));
  // One tested attribute per package: its own attribute path (aliases are measured as rebuilds).
  const tested = analyzer.catalog
    .all()
    .map((p) => p.attrPath)
    .filter((attr) => universe.includes(attr));
  const truth = await evaluatedRebuilds(ROOT, tested);
  return tested.map((attr) => {
    // What the answer lists: attribute names (aliases included), and packages of nested sets by path.
    const rebuilt = model.rebuildClosure([packageOf.get(attr)!]).domains[0];
    const listed = new Set([...(rebuilt?.packages ?? []), ...(rebuilt?.members ?? [])]);
    const predicted = universe.filter((a) => listed.has(a));
    const actual = new Set(truth[attr]);
    const hits = predicted.filter((a) => actual.has(a)).length;
    return {
      attr,
      truth: actual.size,
      predicted: predicted.length,
      precision: predicted.length === 0 ? 1 : hits / predicted.length,
      recall: actual.size === 0 ? 1 : hits / actual.size,
      missed: [...actual].filter((a) => !predicted.includes(a)),
      extra: predicted.filter((a) => !actual.has(a)),
    };
  });
}
