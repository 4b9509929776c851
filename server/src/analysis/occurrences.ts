// Where each name occurs in the domain: a formal of a file (an input of a package) or a reference
// in a package-set binding (override arguments, aliases, inherits). References and the takers of
// another domain's package look a name up here and resolve its occurrences, once: what each one
// resolves to is kept, grouped by definition, so asking again costs a map lookup.
//
// A 40,000-file domain has about 300,000 occurrences of 40,000 names. They are kept flat, grouped
// by name: an owner (a file or a binding, as an index into one list of them) and a value index per
// occurrence, in two typed arrays, with no object or array per name or per occurrence. An object
// with two closures per occurrence held 190 MB on the benchmark's generated core; an array of
// slots and a record per name, 13.6 MB.
import type { Steps } from './budget';
import type { Binding, DomainIndex } from './domainIndex';
import type { Val } from './facts';
import type { Place, Span } from './syntax';
import { pack } from './waves/graph';

/** What asking for a name's places has resolved so far: how many of its occurrences, and which resolve to what. */
interface Resolved {
  /** How many occurrences have been resolved, in order. */
  count: number;
  /** Occurrence numbers (within the name) by the key of what they resolve to (null: nothing here). */
  byKey: Map<string | null, number[]>;
}

/** What an occurrence resolves to, as a definition key (null: nothing in this domain). */
export type KeyOf = (occurrence: Occurrence) => string | null;

/** One occurrence, as handed to the resolver. */
export type Occurrence = { file: string; formal: number } | { binding: Binding; val: Val };

/** A typed array of 32-bit integers that grows as it is appended to. */
class Int32List {
  values = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/** Every name occurrence of one structure of the index. */
export class Occurrences {
  /** Names asked for so far, and what their occurrences resolved to (most names never are asked). */
  private readonly resolved = new Map<number, Resolved>();

  private constructor(
    private readonly index: DomainIndex,
    /** Each name's number: its occurrences are `starts[n]` up to `starts[n + 1]`. */
    private readonly names: Map<string, number>,
    private readonly starts: Int32Array,
    /** Each occurrence's owner: a file's path (an input) or a binding (a reference). */
    private readonly owners: readonly (string | Binding)[],
    private readonly ownerOf: Int32Array,
    /** An input's formal index; a reference's value index: -1 the binding's own value, k its k-th call argument. */
    private readonly at: Int32Array,
  ) {}

  /** Collects the occurrences of every file's formals and every binding's references, yielding per file and binding. */
  static *collect(index: DomainIndex): Steps<Occurrences> {
    const names = new Map<string, number>();
    const owners: (string | Binding)[] = [];
    const nameOf = new Int32List();
    const ownerOf = new Int32List();
    const at = new Int32List();
    const add = (name: string, owner: number, i: number) => {
      let n = names.get(name);
      if (n === undefined) names.set(name, (n = names.size));
      nameOf.push(n);
      ownerOf.push(owner);
      at.push(i);
    };
    for (const facts of index.files.values()) {
      if (facts.formals?.length) {
        // The owner is the same string as facts.path: no copy per file.
        const owner = owners.push(facts.path) - 1;
        facts.formals.forEach((formal, i) => {
          add(formal.name, owner, i);
        });
      }
      yield;
    }
    for (const binding of index.allBindings()) {
      let owner = -1;
      valsOf(binding).forEach((val, i) => {
        if (val.k !== 'ref') return;
        if (owner < 0) owner = owners.push(binding) - 1;
        add(val.path[0]!, owner, i - 1);
        if (val.path.length > 1) add(val.path[val.path.length - 1]!, owner, i - 1);
      });
      yield;
    }
    // Grouped by name, in the order they were found: an edge from each name to each of its occurrences.
    const { offsets: starts, targets } = pack(names.size, nameOf.length, (visit) => {
      for (let k = 0; k < nameOf.length; k++) visit(nameOf.values[k]!, k);
    });
    const groupedOwner = targets.map((k) => ownerOf.values[k]!);
    const groupedAt = targets.map((k) => at.values[k]!);
    return new Occurrences(index, names, starts, owners, groupedOwner, groupedAt);
  }

  /**
   * The places of `name` that resolve to `key` (null: to nothing here), in the order they occur,
   * added to `out` as they are found; yields after each occurrence it had to resolve.
   */
  *placesSteps(name: string, key: string | null, keyOf: KeyOf, out: Place[]): Steps<Place[]> {
    const n = this.names.get(name);
    if (n === undefined) return out;
    const first = this.starts[n]!;
    const total = this.starts[n + 1]! - first;
    let resolved = this.resolved.get(n);
    if (!resolved) this.resolved.set(n, (resolved = { count: 0, byKey: new Map() }));
    for (const k of resolved.byKey.get(key) ?? []) this.place(name, first + k, out);
    while (resolved.count < total) {
      const k = resolved.count;
      const found = keyOf(this.occurrence(first + k));
      const group = resolved.byKey.get(found);
      if (group) group.push(k);
      else resolved.byKey.set(found, [k]);
      resolved.count++;
      if (found === key) this.place(name, first + k, out);
      yield;
    }
    return out;
  }

  private occurrence(k: number): Occurrence {
    const owner = this.owners[this.ownerOf[k]!]!;
    const i = this.at[k]!;
    return typeof owner === 'string' ? { file: owner, formal: i } : { binding: owner, val: valsOf(owner)[i + 1]! };
  }

  /** The place of an occurrence now: an input's span is read from the file's current facts, edits that keep the structure move lines. */
  private place(name: string, k: number, out: Place[]): void {
    const occurrence = this.occurrence(k);
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
 * The places of much-used definitions (`stdenv`, `fetchurl`: tens of thousands, defined in the domain
 * or taken from another one), kept until the next edit (the index generation), two slots each: the
 * file and the span, both shared with the facts. Finding them again cost more than answering with them.
 */
export class KeptPlaces {
  private generation = -1;
  private byKey = new Map<string, (string | Span)[]>();

  /** Adds the kept places of a definition to `out`; false when none are kept for this generation. */
  private give(key: string, generation: number, out: Place[]): boolean {
    const kept = this.generation === generation ? this.byKey.get(key) : undefined;
    if (!kept) return false;
    // Asked again: the last to be let go (the least recently asked goes first).
    this.byKey.delete(key);
    this.byKey.set(key, kept);
    for (let i = 0; i < kept.length; i += 2) out.push({ file: kept[i] as string, span: kept[i + 1] as Span });
    return true;
  }

  /**
   * The places `find` adds to `out`: those kept for this generation, else found (and kept when
   * many). `out` must only grow while the steps run: what they added is kept from where it began.
   */
  *steps(key: string, generation: number, out: Place[], find: () => Steps<unknown>): Steps<Place[]> {
    if (this.give(key, generation, out)) return out;
    const start = out.length;
    yield* find();
    this.keep(key, generation, out, start);
    return out;
  }

  /** Keeps `places` from `start` on, when they are many. */
  private keep(key: string, generation: number, places: readonly Place[], start: number): void {
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
