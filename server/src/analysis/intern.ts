// Facts are never mutated once made, so equal pieces of different files can be one object
// (hash-consing), invisibly to everything that reads them: the spans `[line, col, line, col]`
// thousands of package files have alike (their inputs sit on the same lines), their inputs
// `{ name, span, hasDefault }`, and names. Indexing shares them while it reads a domain; on the
// benchmark's generated 40,000-file core the index then holds a third less (see
// docs/performance.md).
import type { FileFacts, Formal } from './facts';
import type { Span } from './syntax';

/** Longer strings are rarely repeated (descriptions, URLs): not worth a lookup. */
const MAX_SHARED_STRING = 48;
/** A span is keyed by one number: start line < 2^17, the other three < 2^12 (else it is kept as it is). */
const FIELD = 4096;

/** Shares equal pieces of the facts given to it; one per indexing run, dropped after it. */
export class Interner {
  private readonly spans = new Map<number, Span>();
  private readonly strings = new Map<string, string>();
  private readonly formals = new Map<string, Map<number, Formal[]>>();

  /** Replaces, in place, the pieces of freshly made facts that equal ones seen before; returns the facts. */
  facts(facts: FileFacts): FileFacts {
    for (const key of Object.keys(facts) as (keyof FileFacts)[]) {
      if (key === 'formals' && facts.formals) facts.formals = facts.formals.map((f) => this.formal(f));
      else (facts as unknown as Record<string, unknown>)[key] = this.value(facts[key]);
    }
    return facts;
  }

  private formal(formal: Formal): Formal {
    // Only the fields a formal has today are compared; one with more is kept as it is.
    if (Object.keys(formal).length !== 3 + (formal.use === undefined ? 0 : 1) + (formal.nullDefault ? 1 : 0))
      return this.value(formal) as Formal;
    const key = spanKey(formal.span);
    // A span too far down to key (line 131,072 on) is not shared, nor is its formal.
    if (key < 0) return this.value(formal) as Formal;
    formal.span = this.span(formal.span);
    // By name, then by span (a number): a string key joined from the four made and hashed a string
    // per input of every file, a tenth of the main thread's time through a cold index.
    let bySpan = this.formals.get(formal.name);
    if (!bySpan) this.formals.set(formal.name, (bySpan = new Map()));
    const alike = bySpan.get(key);
    const known = alike?.find((f) => f.hasDefault === formal.hasDefault && !f.nullDefault === !formal.nullDefault && f.use === formal.use);
    if (known) return known;
    const shared = this.value(formal) as Formal;
    if (alike) alike.push(shared);
    else bySpan.set(key, [shared]);
    return shared;
  }

  private value(value: unknown): unknown {
    if (typeof value === 'string') return value.length <= MAX_SHARED_STRING ? this.string(value) : value;
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      if (isSpan(value)) return this.span(value);
      for (let i = 0; i < value.length; i++) value[i] = this.value(value[i]);
      return value;
    }
    // Indexing reads every fact of every file through here: no array of keys per object.
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const piece = record[key];
      if (typeof piece === 'string' || (typeof piece === 'object' && piece !== null)) record[key] = this.value(piece);
    }
    return value;
  }

  private string(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  private span(span: Span): Span {
    const key = spanKey(span);
    if (key < 0) return span;
    const known = this.spans.get(key);
    if (known) return known;
    this.spans.set(key, span);
    return span;
  }
}

function isSpan(value: unknown[]): value is Span {
  if (value.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const n = value[i];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return false;
  }
  return true;
}

/** One number for a span, or -1 when one of its parts is too large to key. */
function spanKey([l0, c0, l1, c1]: Span): number {
  const lines = l1 - l0;
  if (l0 >= 1 << 17 || c0 >= FIELD || lines < 0 || lines >= FIELD || c1 >= FIELD) return -1;
  return ((l0 * FIELD + c0) * FIELD + lines) * FIELD + c1;
}
