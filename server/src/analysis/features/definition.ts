import type { Analyzer, NixDocument } from '../analyzer';
import type { Place } from '../syntax';
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
  if (found.target && !found.target.global && !found.target.missing) return [{ file: found.target.file, span: found.target.span }];
  if (found.target?.missing) return [];
  if (found.local) return [{ file: doc.path, span: found.local }];
  return [];
}
