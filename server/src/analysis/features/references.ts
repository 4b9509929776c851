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
    if (includeDeclaration) out.push({ file: found.target.file, span: found.target.span });
    const seen = new Set(out.map(placeKey));
    const sink: Place[] = [];
    const flush = () => {
      for (const place of sink.splice(0)) {
        const key = placeKey(place);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(place);
        }
      }
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

function placeKey(place: Place): string {
  return `${place.file}:${place.span.join(',')}`;
}
