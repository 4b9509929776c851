import { URI } from 'vscode-uri';
import type { Analyzer } from '../analysis/analyzer';
import { impactTitle, rebuildImpact, type RebuildImpact } from '../analysis/impact/closure';
import { readImpactSettings, type ImpactSettings } from '../analysis/impact/manifest';
import type { Package } from '../analysis/packages';
import type { Universe } from '../analysis/universe';
import type { ImpactList } from '../../../shared/protocol';

/**
 * Override impact for the editor: the figure of the lens and the hover, and the list behind a
 * click, across the domains the manifest names.
 */
export class ImpactService {
  private readonly settings = new Map<Analyzer, Promise<ImpactSettings>>();

  constructor(
    private readonly universeOf: (analyzer: Analyzer) => Promise<Universe>,
    private readonly report: (message: string) => void,
  ) {}

  /** What rebuilds when a package changes, with a location for every package of this domain that rebuilds. */
  async listFor(analyzer: Analyzer, pick: (packages: readonly Package[]) => Package | undefined): Promise<ImpactList | null> {
    await analyzer.indexed;
    const pkg = pick(analyzer.catalog.all());
    if (!pkg) return null;
    const impact = await this.withForeignRebuilds(analyzer, rebuildImpact(analyzer, pkg, await this.settingsOf(analyzer)));
    const byAttr = packagesByAttr(analyzer);
    const local = (name: string) => {
      // An attribute name (`boost181`, `xorg.libX11`) is where it leads; a nested-set package by its path.
      const [head, ...rest] = name.split('.');
      let target = analyzer.resolver.lookupGlobal(head!);
      for (const member of rest) target = target && analyzer.resolver.select(target, member);
      return target && !target.global && !target.missing ? target : byAttr.get(name)?.target;
    };
    const groups = impact.domains.map((d) => ({
      domain: d.domain, count: d.count,
      items: [...d.packages, ...d.members ?? []].slice(0, 2000).map((attr) => {
        const target = d.domain === analyzer.index.domain ? local(attr) : undefined;
        return target
          ? { label: attr, uri: URI.file(analyzer.index.absolute(target.file)).toString(), line: target.span[0] }
          : { label: attr };
      }),
    }));
    return { title: impactTitle(impact), groups };
  }

  /** Just the one-line figure (for the hover): no list of locations to build. */
  async titleFor(analyzer: Analyzer, pkg: Package): Promise<string> {
    return impactTitle(await this.withForeignRebuilds(analyzer, rebuildImpact(analyzer, pkg, await this.settingsOf(analyzer))));
  }

  /**
   * Adds what rebuilds in the other domains the manifest names: each takes some of this
   * domain's packages as inputs (by any of their names); its stub's reverse graph says what
   * rebuilds there. Fetches one part per domain, once.
   */
  private async withForeignRebuilds(analyzer: Analyzer, impact: RebuildImpact): Promise<RebuildImpact> {
    const universe = await this.universeOf(analyzer);
    if (!universe.store || universe.domains().length === 0) return impact;
    const local = impact.domains.find((d) => d.domain === analyzer.index.domain);
    const byAttr = packagesByAttr(analyzer);
    const names = new Set<string>();
    for (const attr of local?.packages ?? []) {
      const pkg = byAttr.get(attr);
      for (const name of pkg ? analyzer.catalog.namesOf(pkg) : [attr]) names.add(name);
    }
    if (impact.stdenv.touched) names.add('stdenv');
    if (names.size === 0) return impact;
    const domains = [...impact.domains];
    let total = impact.total;
    for (const domain of universe.domains()) {
      if (domains.some((d) => d.domain === domain)) continue;
      const rebuilt = await universe.store.rebuildClosure(domain, [...names]).catch(() => []);
      if (rebuilt.length === 0) continue;
      domains.push({ domain, count: rebuilt.length, packages: rebuilt });
      total += rebuilt.length;
    }
    return { ...impact, domains, total };
  }

  /** The manifest's `impact` settings, read once per domain; problems in them are reported. */
  private settingsOf(analyzer: Analyzer): Promise<ImpactSettings> {
    let settings = this.settings.get(analyzer);
    if (!settings) {
      settings = readImpactSettings(analyzer.root).then(({ settings: found, errors }) => {
        for (const error of errors) this.report(`invalid ${error}`);
        return found;
      });
      this.settings.set(analyzer, settings);
    }
    return settings;
  }
}

function packagesByAttr(analyzer: Analyzer): Map<string, Package> {
  return analyzer.catalog.memo('packagesByAttr', () => new Map(analyzer.catalog.all().map((p) => [p.attrPath, p])));
}
