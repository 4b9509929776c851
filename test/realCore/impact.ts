// Rebuild impact against Nix on the real core: for each edit the oracle measured (an attribute
// added to a package's mkDerivation call), the attributes the static answer says rebuild against
// those whose output path Nix computes differently. See docs/impact-accuracy.md.
import type { Analyzer } from '../../server/src/analysis/analyzer';
import { changedPackages } from '../../server/src/analysis/impact/changes';
import { RebuildModel } from '../../server/src/analysis/impact/closure';
import { rebuildsOf, universe, type Oracle } from './oracle';

export interface ImpactRow {
  site: string;
  packages: string[];
  truth: number;
  predicted: number;
  precision: number;
  recall: number;
  missed: string[];
  extra: string[];
}

/** The top-level attributes an edit rebuilds (the names the figures are counted in; members of package sets apart). */
function topLevelRebuilds(oracle: Oracle, site: string): Set<string> {
  return rebuildsOf(oracle, site);
}

/**
 * The edits whose package has a dependant among the top-level attributes: something other than
 * the site's own packages rebuilds.
 */
export function sitesWithDependants(oracle: Oracle): string[] {
  return Object.keys(oracle.sites)
    .filter((site) => {
      const own = new Set(oracle.sites[site]!.packages);
      return [...topLevelRebuilds(oracle, site)].some((a) => !own.has(a));
    })
    .sort();
}

/** What the static answer says an edit at `site` (`file:line:column`) rebuilds: the CLI's `impact --base` list. */
function predictedRebuilds(analyzer: Analyzer, site: string): string[] {
  const [, file, line] = /^(.*):(\d+):\d+$/.exec(site)!;
  const model = RebuildModel.of(analyzer);
  const changes = changedPackages(analyzer, model, {
    files: [{ status: 'M', path: file! }],
    lines: new Map([[file!, [[Number(line) - 1, Number(line) - 1]]]]),
  });
  const impact = model.rebuildClosure(changes.packages, { stdenvChanged: changes.stdenvChanged });
  return impact.domains[0]?.packages ?? [];
}

/** Precision and recall of every edit with a dependant, over the top-level attributes that evaluate to derivations. */
export function measureImpact(analyzer: Analyzer, oracle: Oracle, sites = sitesWithDependants(oracle)): ImpactRow[] {
  const names = new Set(universe(oracle, { topLevelOnly: true }));
  return sites.map((site) => {
    const truth = topLevelRebuilds(oracle, site);
    // Top-level names only (members of recursive sets are counted apart); a name that is no
    // derivation in Nix (a function, a set, an attribute that fails to evaluate) counts as wrong.
    const predicted = predictedRebuilds(analyzer, site).filter((a) => !a.includes('.'));
    const hits = predicted.filter((a) => truth.has(a)).length;
    return {
      site,
      packages: oracle.sites[site]!.packages,
      truth: truth.size,
      predicted: predicted.length,
      precision: predicted.length === 0 ? (truth.size === 0 ? 1 : 0) : hits / predicted.length,
      recall: truth.size === 0 ? 1 : hits / truth.size,
      missed: [...truth].filter((a) => !predicted.includes(a)).sort(),
      extra: predicted.filter((a) => !truth.has(a)).map((a) => (names.has(a) ? a : `${a} (no derivation)`)),
    };
  });
}
