import type { Budget } from '../budget';
import { completion, type CompletionEntry } from '../features/completion';
import { inMaintainerList, type Position } from '../features/locate';
import type { DomainSession } from '../session';

/** A completion item; `domain` names the other domain it comes from. */
export interface CompletionAnswerItem {
  label: string;
  kind: CompletionEntry['kind'] | 'maintainer';
  domain?: string;
}
export interface CompletionAnswer {
  items: CompletionAnswerItem[];
  isIncomplete: boolean;
}

/** At most this many handles of other domains' lists are offered at once. */
const MAX_HANDLES = 200;

/**
 * Completion across the universe: this domain's names; in a `maintainers = with lib.maintainers; [ … ]`
 * list of a domain without its own list, the handles of the other domains' lists (from their
 * stubs' handle indexes); after three letters, the packages of other domains.
 */
export async function completionAcross(
  session: DomainSession,
  file: string,
  pos: Position,
  budget: Budget,
): Promise<CompletionAnswer | undefined> {
  const { analyzer } = session;
  await session.prepare(budget, ['packages']);
  const here = await analyzer.withDocument(file, (doc) => ({
    result: completion(analyzer, doc, pos),
    partial: partialName(doc.text, pos),
    handles: inMaintainerList(doc, pos) && !analyzer.maintainers.has('maintainers/maintainer-list.nix'),
  }));
  if (!here) return undefined;
  if (here.handles) {
    const universe = await session.universe();
    const known = (await budget.race(universe.handles())) ?? new Set<string>();
    const handles = [...known].filter((h) => h.startsWith(here.partial)).sort();
    return {
      isIncomplete: handles.length > MAX_HANDLES,
      items: handles.slice(0, MAX_HANDLES).map((label) => ({ label, kind: 'maintainer' })),
    };
  }
  const items: CompletionAnswerItem[] = [...here.result.items];
  // Packages of other domains, once a few letters narrow them down (the first search fetches their shards).
  if (here.partial.length >= 3 && here.result.kind !== 'member') {
    const universe = await session.universe();
    const seen = new Set(items.map((i) => i.label));
    for (const symbol of (await budget.race(universe.search(here.partial, 50))) ?? []) {
      if (symbol.kind !== 'package' || !symbol.name.startsWith(here.partial) || seen.has(symbol.name)) continue;
      seen.add(symbol.name);
      items.push({ label: symbol.name, kind: 'package', domain: symbol.domain });
    }
  }
  return { isIncomplete: true, items };
}

/** The name being typed before the cursor (at most 512 characters back: name patterns are quadratic on a 10 MB line). */
function partialName(text: string, pos: Position): string {
  const line = text.split('\n', pos.line + 1)[pos.line] ?? '';
  const before = line.slice(Math.max(0, pos.character - 512), pos.character);
  return /[A-Za-z_][\w'-]*$/.exec(before)?.[0] ?? '';
}
