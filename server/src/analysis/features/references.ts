import type { Analyzer, NixDocument } from '../analyzer';
import type { Place } from './definition';
import { resolveAt, type Position } from './locate';
import { isMaintainerList } from './maintainers';

/**
 * Find references: for a package, every place in the domain that takes it as an input or
 * passes it (override arguments, aliases, inherits), plus its declaration when asked.
 */
export function references(analyzer: Analyzer, doc: NixDocument, pos: Position, includeDeclaration = true): Place[] {
  const found = resolveAt(analyzer, doc, pos);
  if (!found?.target || found.target.global || found.target.missing) return [];
  const places: Place[] = isMaintainerList(found.target.file)
    ? analyzer.maintainers.packagesMaintainedBy(found.name)
    : analyzer.catalog.referencesTo(found.target);
  if (includeDeclaration) places.unshift({ file: found.target.file, span: found.target.span });
  const seen = new Set<string>();
  return places.filter((p) => {
    const key = `${p.file}:${p.span.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
