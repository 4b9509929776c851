// Where each name occurs in the domain: a formal of a file (an input of a package) or a reference
// in a package-set binding (override arguments, aliases, inherits). References and the takers of
// another domain's package look a name up here and resolve its occurrences, once: what each one
// resolves to is kept, grouped by definition, so asking again costs a map lookup.
//
// A 40,000-file domain has about 300,000 occurrences. They are kept as two array slots each, with
// no object or closure per occurrence; an object with two closures each held 190 MB on the
// benchmark's generated core, more than the rest of the server together.
import type { Steps } from './budget';
import type { Binding, DomainIndex } from './domainIndex';
import type { Val } from './facts';
import type { Place, Span } from './syntax';

/**
 * The occurrences of one name, flat: (file path, formal index) for an input, (binding, value
 * index) for a reference, where value index -1 is the binding's own value and k its k-th
 * call argument.
 */
interface NameOccurrences {
  slots: (string | Binding | number)[];
  /** How many occurrences have been resolved, in order. */
  resolved: number;
  /** Occurrence indices by the key of what they resolve to (null: nothing here); made when first resolved (most names never are). */
  byKey?: Map<string | null, number[]>;
}

/** What an occurrence resolves to, as a definition key (null: nothing in this domain). */
export type KeyOf = (occurrence: Occurrence) => string | null;

/** One occurrence, as handed to the resolver. */
export type Occurrence = { file: string; formal: number } | { binding: Binding; val: Val };

/** Every name occurrence of one structure of the index. */
export class Occurrences {
  private constructor(
    private readonly index: DomainIndex,
    private readonly byName: Map<string, NameOccurrences>,
  ) {}

  /** Collects the occurrences of every file's formals and every binding's references, yielding per file and binding. */
  static *collect(index: DomainIndex): Steps<Occurrences> {
    const byName = new Map<string, NameOccurrences>();
    const add = (name: string, owner: string | Binding, at: number) => {
      let entry = byName.get(name);
      if (!entry) byName.set(name, (entry = { slots: [], resolved: 0 }));
      entry.slots.push(owner, at);
    };
    for (const facts of index.files.values()) {
      // The map's key is the same string as facts.path: no copy per occurrence.
      facts.formals?.forEach((formal, i) => {
        add(formal.name, facts.path, i);
      });
      yield;
    }
    for (const binding of index.allBindings()) {
      valsOf(binding).forEach((val, i) => {
        if (val.k !== 'ref') return;
        add(val.path[0]!, binding, i - 1);
        if (val.path.length > 1) add(val.path[val.path.length - 1]!, binding, i - 1);
      });
      yield;
    }
    return new Occurrences(index, byName);
  }

  /**
   * The places of `name` that resolve to `key` (null: to nothing here), in the order they occur,
   * added to `out` as they are found; yields after each occurrence it had to resolve.
   */
  *placesSteps(name: string, key: string | null, keyOf: KeyOf, out: Place[]): Steps<Place[]> {
    const entry = this.byName.get(name);
    if (!entry) return out;
    for (const at of entry.byKey?.get(key) ?? []) this.place(name, entry, at, out);
    const total = entry.slots.length / 2;
    const byKey = (entry.byKey ??= new Map());
    while (entry.resolved < total) {
      const at = entry.resolved;
      const found = keyOf(this.occurrence(entry, at));
      const group = byKey.get(found);
      if (group) group.push(at);
      else byKey.set(found, [at]);
      entry.resolved++;
      if (found === key) this.place(name, entry, at, out);
      yield;
    }
    return out;
  }

  private occurrence(entry: NameOccurrences, at: number): Occurrence {
    const owner = entry.slots[2 * at]!;
    const i = entry.slots[2 * at + 1] as number;
    return typeof owner === 'string' ? { file: owner, formal: i } : { binding: owner as Binding, val: valsOf(owner as Binding)[i + 1]! };
  }

  /** The place of an occurrence now: an input's span is read from the file's current facts, edits that keep the structure move lines. */
  private place(name: string, entry: NameOccurrences, at: number, out: Place[]): void {
    const occurrence = this.occurrence(entry, at);
    if ('binding' in occurrence) {
      out.push({ file: occurrence.binding.file, span: occurrence.val.span });
      return;
    }
    const formal = this.index.files.get(occurrence.file)?.formals?.[occurrence.formal];
    // A formal's name is part of the structure these occurrences were collected from: it is still there.
    if (formal?.name === name) out.push({ file: occurrence.file, span: formal.span });
  }
}

/** The values of a binding that may be references: its own value, and a call's arguments. */
function valsOf(binding: Binding): Val[] {
  return binding.val.k === 'call' ? [binding.val, ...binding.val.args.map((a) => a.val)] : [binding.val];
}

/** How many places a definition's references must have to be kept, and how many definitions' are kept. */
const KEPT_FROM = 1000;
const KEPT_AT_MOST = 4;

/**
 * The places of much-used definitions (`stdenv`, `fetchurl`: tens of thousands), kept until the next
 * edit (the index generation), two slots each: the file and the span, both shared with the facts.
 */
export class KeptPlaces {
  private generation = -1;
  private byKey = new Map<string, (string | Span)[]>();

  /** Adds the kept places of a definition to `out`; false when none are kept for this generation. */
  give(key: string, generation: number, out: Place[]): boolean {
    const kept = this.generation === generation ? this.byKey.get(key) : undefined;
    if (!kept) return false;
    for (let i = 0; i < kept.length; i += 2) out.push({ file: kept[i] as string, span: kept[i + 1] as Span });
    return true;
  }

  /** Keeps `places` from `start` on, when they are many. */
  keep(key: string, generation: number, places: readonly Place[], start: number): void {
    if (places.length - start < KEPT_FROM) return;
    if (this.generation !== generation) {
      this.generation = generation;
      this.byKey = new Map();
    }
    if (this.byKey.size >= KEPT_AT_MOST) this.byKey.delete(this.byKey.keys().next().value!);
    const flat: (string | Span)[] = [];
    for (let i = start; i < places.length; i++) flat.push(places[i]!.file, places[i]!.span);
    this.byKey.set(key, flat);
  }
}
