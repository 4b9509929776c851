import type { Budget } from '../budget';
import { workspaceSymbols, type SymbolKind } from '../features/symbols';
import type { DomainSession } from '../session';
import { local, type Where } from './where';

/** A symbol of the workspace: a package or lib function of this domain or of another one. */
export interface SymbolAnswer {
  name: string;
  kind: SymbolKind;
  where: Where;
  container: string;
}

/** Workspace symbols across the universe: this domain's, then (from two letters on) the other domains' from their stubs. */
export async function workspaceSymbolsAcross(session: DomainSession, query: string, budget: Budget): Promise<SymbolAnswer[]> {
  const { analyzer } = session;
  if (!(await session.prepare(budget, ['packages']))) return [];
  const out: SymbolAnswer[] = workspaceSymbols(analyzer, query).map((item) => ({
    name: item.name,
    kind: item.kind,
    where: local(item.place),
    container: item.container,
  }));
  if (query.length < 2) return out;
  const universe = await session.universe();
  for (const symbol of (await budget.race(universe.search(query))) ?? []) {
    out.push({
      name: symbol.name,
      kind: symbol.kind === 'function' ? 'function' : 'package',
      container: symbol.domain,
      where: universe.locationOfFile(symbol.domain, symbol.revision, symbol.file, symbol.pos[0], symbol.pos[1]),
    });
  }
  return out;
}
