import type { Budget } from '../budget';
import { impactTitle, rebuildImpact, type RebuildImpact } from '../impact/closure';
import type { Package } from '../packages';
import type { DomainSession } from '../session';
import type { Place } from '../syntax';

/** What rebuilds when a package changes, by domain, with the place of each package of this domain. */
export interface ImpactAnswer {
  title: string;
  groups: { domain: string; count: number; items: { label: string; place?: Place }[] }[];
}

/** At most this many packages per domain are listed (the count says how many there are). */
const MAX_LISTED = 2000;

/** The list behind the lens: what rebuilds when the package `pick` chooses changes, across the universe. */
export async function impactAcross(
  session: DomainSession,
  pick: (packages: readonly Package[]) => Package | undefined,
  budget: Budget,
): Promise<ImpactAnswer | undefined> {
  const { analyzer } = session;
  if (!(await session.prepare(budget, ['packages', 'names', 'graph']))) return undefined;
  const pkg = pick(analyzer.catalog.all());
  if (!pkg) return undefined;
  const impact = await withOtherDomains(session, rebuildImpact(analyzer, pkg, await session.impactSettings()), budget);
  const byAttr = packagesByAttr(session);
  const local = (name: string) => {
    // An attribute name (`boost181`, `xorg.libX11`) is where it leads; a nested-set package by its path.
    const [head, ...rest] = name.split('.');
    let target = analyzer.resolver.lookupGlobal(head!);
    for (const member of rest) target = target && analyzer.resolver.select(target, member);
    return target && !target.global && !target.missing ? target : byAttr.get(name)?.target;
  };
  const groups = impact.domains.map((d) => ({
    domain: d.domain,
    count: d.count,
    items: [...d.packages, ...(d.members ?? [])].slice(0, MAX_LISTED).map((attr) => {
      const target = d.domain === analyzer.index.domain ? local(attr) : undefined;
      return target ? { label: attr, place: { file: target.file, span: target.span } } : { label: attr };
    }),
  }));
  return { title: impactTitle(impact), groups };
}

/** Just the one-line figure (the hover's): no list of places. Undefined when the graph is not ready within the budget. */
export async function impactTitleAcross(session: DomainSession, pkg: Package, budget: Budget): Promise<string | undefined> {
  if (!(await session.prepare(budget, ['packages', 'names', 'graph']))) return undefined;
  return impactTitle(await withOtherDomains(session, rebuildImpact(session.analyzer, pkg, await session.impactSettings()), budget));
}

/**
 * Adds what rebuilds in the other domains the manifest names: each takes some of this domain's
 * packages as inputs (by any of their names); its stub's reverse graph says what rebuilds there.
 * Fetches one part per domain, once.
 */
async function withOtherDomains(session: DomainSession, impact: RebuildImpact, budget: Budget): Promise<RebuildImpact> {
  const { analyzer } = session;
  const universe = await session.universe();
  if (!universe.store || universe.domains().length === 0) return impact;
  const here = impact.domains.find((d) => d.domain === analyzer.index.domain);
  const byAttr = packagesByAttr(session);
  const names = new Set<string>();
  for (const attr of here?.packages ?? []) {
    const pkg = byAttr.get(attr);
    for (const name of pkg ? analyzer.catalog.namesOf(pkg) : [attr]) names.add(name);
  }
  if (impact.stdenv.touched) names.add('stdenv');
  if (names.size === 0) return impact;
  const domains = [...impact.domains];
  let total = impact.total;
  for (const domain of universe.domains()) {
    if (domains.some((d) => d.domain === domain)) continue;
    const rebuilt = (await budget.race(universe.store.rebuildClosure(domain, [...names]).catch(() => []))) ?? [];
    if (rebuilt.length === 0) continue;
    domains.push({ domain, count: rebuilt.length, packages: rebuilt });
    total += rebuilt.length;
  }
  return { ...impact, domains, total };
}

function packagesByAttr(session: DomainSession): Map<string, Package> {
  const { catalog } = session.analyzer;
  return catalog.memo('packagesByAttr', () => new Map(catalog.all().map((p) => [p.attrPath, p])));
}
