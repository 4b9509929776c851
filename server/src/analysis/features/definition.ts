import type { Analyzer, NixDocument } from '../analyzer';
import type { Span } from '../syntax';
import { resolveAt, type Position } from './locate';

/** A place in the domain: a domain-relative file and a span in it. */
export interface Place { file: string; span: Span }

/**
 * Go to definition. On a use of a local name: its binding. On a package input (a formal of the
 * file's function), a `with pkgs` element, a package-set binding or `pkgs.x`: the file that
 * builds the package. On `lib.foo`: the lib function. On a path: the file.
 */
export function definition(analyzer: Analyzer, doc: NixDocument, pos: Position): Place[] {
  const found = resolveAt(analyzer, doc, pos);
  if (!found) return [];
  if (found.local && !found.declaration) return [{ file: doc.path, span: found.local }];
  if (found.target && !found.target.global && !found.target.missing) return [{ file: found.target.file, span: found.target.span }];
  if (found.target?.missing) return [];
  if (found.local) return [{ file: doc.path, span: found.local }];
  return [];
}
