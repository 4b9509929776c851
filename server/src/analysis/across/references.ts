import type { Budget } from '../budget';
import { runSteps } from '../budget';
import { isMaintainerList } from '../features/maintainers';
import { maintainerHandleAt, nodeAt, quotedAttrAt, resolveAt, unresolvedNameAt, type Position } from '../features/locate';
import { referencesSteps } from '../features/references';
import type { DomainSession } from '../session';
import type { Place } from '../syntax';
import { local, type Where } from './where';

/** At most this many packages of other domains are listed (each needs its shard). */
const MAX_FOREIGN_REFERENCES = 100;

/**
 * Find references across the universe: this domain's places; for a package, the packages of the
 * other domains that take it (from their stubs); for a maintainer handle, the packages that name
 * it here and in the other domains. A request cut short by its budget answers with what it found.
 */
export async function referencesAcross(
  session: DomainSession,
  file: string,
  pos: Position,
  includeDeclaration: boolean,
  budget: Budget,
): Promise<Where[]> {
  const { analyzer } = session;
  if (!(await session.prepare(budget, ['packages', 'names', 'occurrences']))) return [];
  const places: Place[] = [];
  const here = await analyzer.withDocument(file, (doc) => {
    const found = resolveAt(analyzer, doc, pos);
    const pkg = found?.target && analyzer.catalog.packageAt(found.target);
    const steps = referencesSteps(analyzer, doc, pos, includeDeclaration, places);
    // A handle of another domain's maintainers list, or an entry of this domain's own list in the list itself.
    const handle = maintainerHandleAt(analyzer, doc, pos, found);
    const node = isMaintainerList(doc.path) ? nodeAt(doc, pos) : null;
    const key = node && (quotedAttrAt(doc, pos)?.name ?? (node.type === 'identifier' ? node.text : undefined));
    const entry = key && analyzer.maintainers.entry(doc.path, key) ? key : undefined;
    const ownHandle = found?.target && isMaintainerList(found.target.file) ? found.name : undefined;
    const foreign = unresolvedNameAt(analyzer, doc, pos, found);
    return { pkg, steps, handle: handle?.handle, entry, ownHandle, foreign: foreign?.name };
  });
  if (!here) return [];
  await runSteps(here.steps, budget);
  if (here.foreign && !here.handle) return foreignReferences(session, here.foreign, includeDeclaration, budget);
  const named = places.length === 0 ? (here.handle ?? here.entry) : undefined;
  if (named) places.push(...analyzer.maintainers.packagesMaintainedBy(named));
  const out: Where[] = places.map(local);
  const handle = here.ownHandle ?? here.handle ?? here.entry;
  if (handle) {
    // The packages of the other domains that name this handle, from their stubs.
    const universe = await session.universe();
    for (const found of (await budget.race(universe.store?.maintainedBy(handle).catch(() => []) ?? Promise.resolve([]))) ?? []) {
      out.push(universe.location(found));
    }
  }
  if (!here.pkg || budget.stopped) return out;
  // Packages of the other domains that take this one as an input, from their stubs.
  const universe = await session.universe();
  const takers: { domain: string; attr: string }[] = [];
  for (const name of analyzer.catalog.namesOf(here.pkg)) {
    for (const taker of (await budget.race(universe.takers(name))) ?? []) {
      if (!takers.some((t) => t.domain === taker.domain && t.attr === taker.attr)) takers.push(taker);
    }
  }
  for (const taker of takers.slice(0, MAX_FOREIGN_REFERENCES)) {
    const found = await budget.race(universe.lookupIn(taker.domain, taker.attr));
    if (found) out.push(universe.location(found));
  }
  return out;
}

/**
 * References of a package this domain takes from another one: its definition there, the places
 * here that take the name (and resolve to nothing here), and the other domains' packages that take it.
 */
async function foreignReferences(session: DomainSession, name: string, includeDeclaration: boolean, budget: Budget): Promise<Where[]> {
  const universe = await session.universe();
  const found = await budget.race(universe.lookup(name));
  const out: Where[] = includeDeclaration && found ? [universe.location(found)] : [];
  const places: Place[] = [];
  await runSteps(session.analyzer.catalog.unresolvedSteps(name, places), budget);
  out.push(...places.map(local));
  if (!found || budget.stopped) return out;
  const takers = (await budget.race(universe.takers(found.pkg.attr))) ?? [];
  for (const taker of takers.filter((t) => t.domain === found.domain).slice(0, MAX_FOREIGN_REFERENCES)) {
    const pkg = await budget.race(universe.lookupIn(taker.domain, taker.attr));
    if (pkg) out.push(universe.location(pkg));
  }
  return out;
}
