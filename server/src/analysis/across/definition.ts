import type { Budget } from '../budget';
import { definition } from '../features/definition';
import { maintainerHandleAt, resolveAt, unresolvedNameAt, type Position } from '../features/locate';
import type { DomainSession } from '../session';
import { local, type Where } from './where';

/**
 * Go to definition across the universe: the place in this domain when the name resolves here;
 * else, for a package input or a maintainer handle this domain does not define, the place in the
 * first other domain whose stub has it. Resolves once.
 */
export async function definitionAcross(session: DomainSession, file: string, pos: Position, budget: Budget): Promise<Where[]> {
  const { analyzer } = session;
  // While the domain is being indexed, the answer comes from the partial index (the caller says so).
  if ((await session.prepareAt(budget, ['packages'])) === 'cut' && analyzer.indexing) return [];
  const here = await analyzer.withDocument(file, (doc) => {
    const found = resolveAt(analyzer, doc, pos);
    return {
      places: definition(analyzer, doc, pos, found),
      foreign: unresolvedNameAt(analyzer, doc, pos, found),
      handle: maintainerHandleAt(analyzer, doc, pos, found),
    };
  });
  if (!here) return [];
  if (here.places.length > 0) return here.places.map(local);
  if (here.handle) {
    const universe = await session.universe();
    const entry = await budget.race(universe.maintainer(here.handle.handle));
    if (entry) return [universe.locationOfFile(entry.domain, entry.revision, entry.file, entry.line, entry.character)];
  }
  if (!here.foreign) return [];
  const universe = await session.universe();
  const found = await budget.race(universe.lookup(here.foreign.name));
  return found ? [universe.location(found)] : [];
}
