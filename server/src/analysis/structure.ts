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
  hash = 0x811c9dc5;
  const parts = [
    facts.value,
    facts.formals?.map((f) => (f.nullDefault ? [f.name, f.hasDefault, 1] : [f.name, f.hasDefault])),
    facts.imports,
    facts.large,
    facts.problem,
  ];
  // The package sets made for another libc (stage.nix's `pkgsStatic`) and what their stdenv adds: what their members are built with.
  walk(facts.libcSets || facts.libcStageNames ? [...parts, facts.libcSets, facts.libcStageNames] : parts, 0);
  return hash >>> 0;
}

/** Keys whose values are no structure: positions, derivation literals, doc comments. */
const SKIPPED = new Set(['span', 'drv', 'doc']);
const MAX_DEPTH = 400;
let hash = 0;

function mix(code: number): void {
  hash ^= code;
  hash = Math.imul(hash, 0x01000193);
}

function text(value: string): void {
  mix(0x22);
  for (let i = 0; i < value.length; i++) mix(value.charCodeAt(i));
  mix(0x22);
}

/**
 * Every value in the order JSON.stringify would write it, each kind tagged so that different
 * shapes hash differently; no string is made (indexing computes this for every file, and a
 * JSON string with a replacer cost a tenth of a worker's time).
 */
function walk(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) {
    mix(0x2e);
    return;
  }
  if (typeof value === 'string') text(value);
  else if (typeof value === 'number') text(String(value));
  else if (typeof value === 'boolean') mix(value ? 0x74 : 0x66);
  else if (value === null) mix(0x6e);
  else if (Array.isArray(value)) {
    mix(0x5b);
    for (const item of value) walk(item, depth + 1);
    mix(0x5d);
  } else if (typeof value === 'object') {
    mix(0x7b);
    for (const key in value) {
      const piece = (value as Record<string, unknown>)[key];
      if (piece === undefined || typeof piece === 'function' || SKIPPED.has(key)) continue;
      text(key);
      walk(piece, depth + 1);
    }
    mix(0x7d);
  } else {
    // undefined (an absent part): a tag of its own.
    mix(0x75);
  }
}
