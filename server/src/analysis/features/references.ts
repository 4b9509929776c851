import type { Analyzer, NixDocument } from '../analyzer';
import { finishSteps, type Steps } from '../budget';
import type { Place } from '../syntax';
import { resolveAt, type Position } from './locate';
import { isMaintainerList } from './maintainers';

/**
 * Find references: for a package, every place in the domain that takes it as an input or
 * passes it (override arguments, aliases, inherits), plus its declaration when asked.
 */
export function references(analyzer: Analyzer, doc: NixDocument, pos: Position, includeDeclaration = true): Place[] {
  return finishSteps(referencesSteps(analyzer, doc, pos, includeDeclaration, []));
}

/**
 * The steps of `references`, adding places to `out` as they are found (a request cut short
 * answers with those). The document is read before the first step only, so the steps may run
 * after the request's syntax tree is gone.
 */
export function referencesSteps(
  analyzer: Analyzer,
  doc: NixDocument,
  pos: Position,
  includeDeclaration: boolean,
  out: Place[],
): Steps<Place[]> {
  const found = resolveAt(analyzer, doc, pos);
  return (function* () {
    if (!found?.target || found.target.global || found.target.missing) return out;
    const declaration = includeDeclaration ? { file: found.target.file, span: found.target.span } : undefined;
    if (declaration) out.push(declaration);
    // Each occurrence is a place of its own: only the declaration can come twice. (A set of keys
    // for tens of thousands of places, `stdenv`'s, cost more than finding them.)
    // The sink only grows: the catalog keeps what its steps added to it when they are many.
    const sink: Place[] = [];
    let flushed = 0;
    const flush = () => {
      for (; flushed < sink.length; flushed++) if (!declaration || !samePlace(sink[flushed]!, declaration)) out.push(sink[flushed]!);
    };
    if (isMaintainerList(found.target.file)) sink.push(...analyzer.maintainers.packagesMaintainedBy(found.name));
    else {
      const steps = analyzer.catalog.referencesSteps(found.target, sink);
      while (!steps.next().done) {
        flush();
        yield;
      }
    }
    flush();
    return out;
  })();
}

function samePlace(a: Place, b: Place): boolean {
  return a.file === b.file && a.span.every((n, i) => n === b.span[i]);
}
