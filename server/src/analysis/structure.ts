// What a file defines, as a number: the index compares it to tell an edit that changes the
// domain's structure (bindings, calls, references, formals) from one that only moves positions or
// changes a literal, which keeps the whole-domain maps. Computed where the facts are made (in an
// index worker, or when a buffer is parsed) and kept in the index cache, so loading a domain does
// not compute it again.
import type { FileFacts } from './facts';

/** A file's facts with their structure hash. */
export interface ReadFacts {
  facts: FileFacts;
  structure: number;
}

/** A hash of what a file defines, ignoring positions and derivation literals (FNV-1a over a canonical walk). */
export function structureHash(facts: FileFacts): number {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(
    [facts.value, facts.formals?.map((f) => [f.name, f.hasDefault]), facts.imports, facts.large, facts.problem],
    (key, value) => (key === 'span' || key === 'drv' || key === 'doc' ? undefined : value),
  );
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
