/** One top-level entry of a maintainer or team list, as the scan sees it. */
export interface HandleEntry {
  handle: string;
  /** Byte offset of the handle, i.e. the start of `handle = { … };`. */
  start: number;
  /** Byte offset just past the `;` that ends the entry. */
  end: number;
  /** 0-based line of the handle. */
  line: number;
  /** 0-based column of the handle in UTF-16 code units (what LSP positions count). */
  column: number;
  /** `name`, or a team's `shortName`. */
  name?: string;
  github?: string;
}

/**
 * Handle → byte range of every entry, in file order. Columnar (typed arrays plus string
 * arrays) because a list of 30,000 small objects costs several times the memory.
 */
export class HandleIndex implements Iterable<HandleEntry> {
  /** File positions of entries sorted by handle; built on first lookup. */
  private order: Uint32Array | undefined;

  /** Internal: use HandleIndexBuilder or HandleIndex.from. */
  constructor(
    private readonly handles: string[],
    private readonly names: (string | undefined)[],
    private readonly githubs: (string | undefined)[],
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly lines: Uint32Array,
    private readonly columns: Uint32Array,
  ) {}

  /** Builds an index from entries given in file order. */
  static from(entries: Iterable<HandleEntry>): HandleIndex {
    const builder = new HandleIndexBuilder();
    for (const entry of entries) builder.push(entry);
    return builder.build();
  }

  /** Number of entries. */
  get size(): number {
    return this.handles.length;
  }

  /** The entry at file position i (0 ≤ i < size). */
  at(i: number): HandleEntry {
    const entry: HandleEntry = {
      handle: this.handles[i],
      start: this.starts[i],
      end: this.ends[i],
      line: this.lines[i],
      column: this.columns[i],
    };
    if (this.names[i] !== undefined) entry.name = this.names[i];
    if (this.githubs[i] !== undefined) entry.github = this.githubs[i];
    return entry;
  }

  /** The handle at file position i, without building an entry object. */
  handleAt(i: number): string {
    return this.handles[i];
  }

  /** Byte offset of entry i. */
  startAt(i: number): number {
    return this.starts[i];
  }

  /** Line of entry i. */
  lineAt(i: number): number {
    return this.lines[i];
  }

  /** Column (UTF-16) of entry i. */
  columnAt(i: number): number {
    return this.columns[i];
  }

  /** The entry for a handle (the first one, should the list define it twice). */
  get(handle: string): HandleEntry | undefined {
    const i = this.find(handle);
    return i < 0 ? undefined : this.at(i);
  }

  /** Whether the list defines handle. */
  has(handle: string): boolean {
    return this.find(handle) >= 0;
  }

  /** File position of handle, or -1. */
  find(handle: string): number {
    const order = this.sortedOrder();
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.handles[order[mid]] < handle) lo = mid + 1;
      else hi = mid;
    }
    return lo < order.length && this.handles[order[lo]] === handle ? order[lo] : -1;
  }

  /** File position of the entry whose byte range contains offset, or -1. */
  entryAtOffset(offset: number): number {
    const i = lastAtOrBefore(this.starts, this.size, offset);
    return i >= 0 && offset < this.ends[i] ? i : -1;
  }

  /** All handles in file order (a copy, for completion lists). */
  handleList(): string[] {
    return this.handles.slice();
  }

  *[Symbol.iterator](): Iterator<HandleEntry> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }

  /**
   * A new index with entries [from, to) replaced by inserted and every later entry moved by
   * byteDelta bytes and lineDelta lines: what an edit of the file does to the index.
   */
  splice(from: number, to: number, inserted: HandleEntry[], byteDelta: number, lineDelta: number): HandleIndex {
    const tail = this.size - to;
    const builder = new HandleIndexBuilder(from + inserted.length + tail);
    builder.copyFrom(this, 0, from, 0, 0);
    for (const entry of inserted) builder.push(entry);
    builder.copyFrom(this, to, this.size, byteDelta, lineDelta);
    const result = builder.build();
    // Typing inside an entry leaves the handles as they were: keep the sorted order.
    if (this.order && inserted.length === to - from && inserted.every((e, k) => e.handle === this.handles[from + k])) {
      result.order = this.order;
    }
    return result;
  }

  private sortedOrder(): Uint32Array {
    if (this.order) return this.order;
    const order = new Uint32Array(this.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const handles = this.handles;
    // Lists are kept sorted by hand, so this is usually one linear pass of the sort.
    order.sort((a, b) => (handles[a] < handles[b] ? -1 : handles[a] > handles[b] ? 1 : a - b));
    this.order = order;
    return order;
  }

  /** @internal column access for the builder and the stub encoder. */
  columnsOf(): {
    handles: readonly string[];
    names: readonly (string | undefined)[];
    githubs: readonly (string | undefined)[];
    starts: Uint32Array;
    ends: Uint32Array;
    lines: Uint32Array;
    columns: Uint32Array;
  } {
    const { handles, names, githubs, starts, ends, lines, columns } = this;
    return { handles, names, githubs, starts, ends, lines, columns };
  }
}

/** Collects entries in file order; grows its typed arrays by doubling. */
export class HandleIndexBuilder {
  private handles: string[] = [];
  private names: (string | undefined)[] = [];
  private githubs: (string | undefined)[] = [];
  private starts: Uint32Array;
  private ends: Uint32Array;
  private lines: Uint32Array;
  private columns: Uint32Array;

  constructor(capacity = 1024) {
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    this.columns = new Uint32Array(capacity);
  }

  /** Number of entries pushed so far. */
  get size(): number {
    return this.handles.length;
  }

  /** Appends one entry (entries must arrive in file order). */
  push(entry: HandleEntry): void {
    const i = this.handles.length;
    this.reserve(i + 1);
    this.handles.push(entry.handle);
    this.names.push(entry.name);
    // Most GitHub handles equal the maintainer handle: share the string instead of a copy.
    this.githubs.push(entry.github === entry.handle ? entry.handle : entry.github);
    this.starts[i] = entry.start;
    this.ends[i] = entry.end;
    this.lines[i] = entry.line;
    this.columns[i] = entry.column;
  }

  /** Appends entries [from, to) of another index, shifted by byteDelta and lineDelta. */
  copyFrom(source: HandleIndex, from: number, to: number, byteDelta: number, lineDelta: number): void {
    const src = source.columnsOf();
    const n = this.handles.length;
    this.reserve(n + to - from);
    for (let i = from; i < to; i++) {
      this.handles.push(src.handles[i]);
      this.names.push(src.names[i]);
      this.githubs.push(src.githubs[i]);
    }
    this.starts.set(src.starts.subarray(from, to), n);
    this.ends.set(src.ends.subarray(from, to), n);
    this.lines.set(src.lines.subarray(from, to), n);
    this.columns.set(src.columns.subarray(from, to), n);
    if (byteDelta !== 0 || lineDelta !== 0) {
      for (let j = n; j < n + to - from; j++) {
        this.starts[j] += byteDelta;
        this.ends[j] += byteDelta;
        this.lines[j] += lineDelta;
      }
    }
  }

  /** Freezes the collected entries into an index (typed arrays trimmed to size). */
  build(): HandleIndex {
    const n = this.handles.length;
    return new HandleIndex(
      this.handles,
      this.names,
      this.githubs,
      this.starts.slice(0, n),
      this.ends.slice(0, n),
      this.lines.slice(0, n),
      this.columns.slice(0, n),
    );
  }

  private reserve(capacity: number): void {
    if (capacity <= this.starts.length) return;
    const grown = Math.max(capacity, this.starts.length * 2);
    const grow = (a: Uint32Array) => {
      const b = new Uint32Array(grown);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
    this.lines = grow(this.lines);
    this.columns = grow(this.columns);
  }
}

/** Largest i < n with values[i] ≤ target (values ascending), or -1. */
export function lastAtOrBefore(values: ArrayLike<number>, n: number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
