import type { Budget } from '../budget';
import { hover } from '../features/hover';
import { maintainerHandleAt, resolveAt, unresolvedNameAt, type Position } from '../features/locate';
import type { DomainSession } from '../session';
import type { Span } from '../syntax';
import { foreignCard, missingEverywhere } from '../universe';
import { impactTitleAcross } from './impact';

/** A hover: markdown and the span it is about. */
export interface HoverAnswer {
  markdown: string;
  span: Span;
  /** A package's card without its impact and waves, still being computed: something must go on computing them. */
  impactPending?: true;
}

/** Shown in the Waves section of an untrusted workspace. */
const WAVES_UNTRUSTED =
  '**Waves**\n\nShown once the workspace is trusted: they read git branches, and git does not run in Restricted Mode.';

export interface HoverOptions {
  /**
   * How long a package's card waits for the impact figure and the waves, when what they need (the
   * dependency graph, the rebuild model) is still being built: past it the card comes without them,
   * saying so. The editor's hovers wait a moment (`HOVER_IMPACT_WAIT_MS`), once per structure of the
   * index (`DomainSession.prepareHoverImpact`); without it, the budget.
   */
  impactWaitMs?: number;
}

/** An editor's hover waits this long for impact and waves still being built, once per structure of the index (then hovering again shows them). */
export const HOVER_IMPACT_WAIT_MS = 500;

/**
 * Hover across the universe: this domain's card (with the impact figure and the Waves section for
 * a package, the full entry for a maintainer); else the card of another domain's package or
 * maintainer. Parts that are not ready within the budget are left out.
 */
export async function hoverAcross(
  session: DomainSession,
  file: string,
  pos: Position,
  budget: Budget,
  options: HoverOptions = {},
): Promise<HoverAnswer | undefined> {
  const { analyzer } = session;
  const prepared = await session.prepareAt(budget, ['packages', 'dependants']);
  if (prepared === 'cut' && analyzer.indexing) return undefined;
  const here = await analyzer.withDocument(file, (doc) => {
    const found = resolveAt(analyzer, doc, pos);
    const card = hover(analyzer, doc, pos, found);
    return card
      ? { card }
      : { foreign: unresolvedNameAt(analyzer, doc, pos, found), handle: maintainerHandleAt(analyzer, doc, pos, found) };
  });
  if (!here) return undefined;
  if (here.card) {
    const { card } = here;
    let markdown = card.markdown;
    if (card.maintainer) {
      markdown = (await analyzer.maintainers.card(card.maintainer.file, card.maintainer.handle).catch(() => undefined)) ?? markdown;
    }
    const partial = prepared === 'partial' ? session.indexingNote() : undefined;
    if (partial) {
      markdown += `\n\n*${partial}*`;
    } else if (card.pkg && !(await session.prepareHoverImpact(budget, options.impactWaitMs))) {
      markdown += '\n\n*Impact and waves are still being computed for this domain: hover again in a moment.*';
      return { markdown, span: card.span, impactPending: true };
    } else if (card.pkg) {
      const title = await impactTitleAcross(session, card.pkg, budget);
      if (title) markdown += `\n\n**Impact:** changing it ${title}.`;
      const waves = await session.waves();
      const section = waves ? await waves.hoverSection(card.pkg, session.options.wavePlanLink).catch(() => '') : WAVES_UNTRUSTED;
      if (section) markdown += `\n\n---\n\n${section}`;
    }
    return { markdown, span: card.span };
  }
  const universe = await session.universe();
  if (here.handle) {
    const entry = await budget.race(universe.maintainer(here.handle.handle));
    if (entry) return { markdown: `${entry.card}\n\n*From domain \`${entry.domain}\`'s \`${entry.file}\`.*`, span: here.handle.span };
  }
  if (!here.foreign) return undefined;
  const found = await budget.race(universe.lookup(here.foreign.name));
  const partial = prepared === 'partial' ? `\n\n*${session.indexingNote()}*` : '';
  if (found) return { markdown: foreignCard(found, here.foreign.name) + partial, span: here.foreign.span };
  // Not read yet is not found nowhere: that is said only once the whole domain is indexed.
  if (partial) return undefined;
  // Found nowhere: say where it was looked for (a pin older than the other domain's packages is the usual reason).
  const misses = universe.domains().length > 0 && !budget.cut ? await budget.race(universe.whyMissing()) : undefined;
  if (!misses?.length) return undefined;
  return {
    markdown: `**${here.foreign.name}**\n\n${missingEverywhere(here.foreign.name, analyzer.index.domain, misses)}`,
    span: here.foreign.span,
  };
}
