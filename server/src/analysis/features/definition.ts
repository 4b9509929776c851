import type { Analyzer, NixDocument } from '../analyzer';
import type { Place } from '../syntax';
import type { Target } from '../resolve';
import { resolveAt, type Position } from './locate';

export type { Place };

/**
 * Go to definition. On a use of a local name: its binding. On a package input (a formal of the
 * file's function), a `with pkgs` element, a package-set binding or `pkgs.x`: the file that
 * builds the package. On `lib.foo`: the lib function. On a path: the file.
 */
export function definition(analyzer: Analyzer, doc: NixDocument, pos: Position, found = resolveAt(analyzer, doc, pos)): Place[] {
  if (!found) return [];
  if (found.local && !found.declaration) return [{ file: doc.path, span: found.local }];
  if (found.target && !found.target.global && !found.target.missing) return [metaPlace(analyzer, found.target)];
  if (found.target?.missing) return [];
  if (found.local) return [{ file: doc.path, span: found.local }];
  return [];
}

/**
 * Where a package's definition is shown: its derivation, or, when it takes its meta from another
 * package (`inherit (xcbuild) meta;` in a wrapper), that package's, as Nix's meta.position does.
 */
function metaPlace(analyzer: Analyzer, target: Target): Place {
  // `nix` is `nixVersions.stable = addFallbackPathsCheck self.nix_2_18`: that binding says which.
  // `ed = callPackage self.sources.ed { }`: the binding that gives generic.nix ed's version and source.
  const at = target.decoratedAt ?? target.appliedAt;
  if (at) return { file: at.file, span: at.span };
  const drv = target.whole ? analyzer.index.files.get(target.file)?.drv : undefined;
  if (drv?.metaFile !== undefined) {
    const from = analyzer.resolver.fileTarget(drv.metaFile);
    if (!from.missing) return { file: from.file, span: from.span };
  }
  const metaOf = drv?.metaOf;
  if (metaOf) {
    let from = analyzer.resolver.resolveInput(target.file, metaOf[0]!) ?? undefined;
    for (const name of metaOf.slice(1)) from = from && analyzer.resolver.select(from, name);
    if (from && !from.global && !from.missing && from.file !== target.file) return { file: from.file, span: from.span };
  }
  return { file: target.file, span: target.span };
}
