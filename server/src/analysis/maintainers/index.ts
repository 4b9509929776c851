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

/** Text lengths that mean "no value" and "same as the handle" (real ones are far shorter). */
const ABSENT = 0xffff;
const SAME_AS_HANDLE = 0xfffe;
const MAX_TEXT_BYTES = 0xfff0;

/**
 * Handle → byte range of every entry, in file order. Columnar and off the JS heap: numbers in
 * typed arrays, handles, names and GitHub handles as UTF-8 in one buffer, decoded on access.
 * 30,000 small objects and 90,000 strings would cost several times the memory, and building
 * them would grow V8's young generation.
 */
export class HandleIndex implements Iterable<HandleEntry> {
  /** File positions of entries sorted by handle bytes; built on first lookup. */
  private order: Uint32Array | undefined;

  /** Internal: use HandleIndexBuilder or HandleIndex.from. */
  constructor(private readonly c: Columns) {}

  /** Builds an index from entries given in file order. */
  static from(entries: Iterable<HandleEntry>): HandleIndex {
    const builder = new HandleIndexBuilder();
    for (const entry of entries) builder.push(entry);
    return builder.build();
  }

  /** Number of entries. */
  get size(): number {
    return this.c.size;
  }

  /** The entry at file position i (0 ≤ i < size). */
  at(i: number): HandleEntry {
    const c = this.c;
    const entry: HandleEntry = { handle: this.handleAt(i), start: c.starts[i], end: c.ends[i], line: c.lines[i], column: c.columns[i] };
    const nameAt = c.textStarts[i] + c.handleLengths[i];
    if (c.nameLengths[i] !== ABSENT) entry.name = c.text.toString('utf8', nameAt, nameAt + c.nameLengths[i]);
    const githubLength = c.githubLengths[i];
    if (githubLength === SAME_AS_HANDLE) entry.github = entry.handle;
    else if (githubLength !== ABSENT) {
      const githubAt = nameAt + (c.nameLengths[i] === ABSENT ? 0 : c.nameLengths[i]);
      entry.github = c.text.toString('utf8', githubAt, githubAt + githubLength);
    }
    return entry;
  }

  /** The handle at file position i, without building an entry object. */
  handleAt(i: number): string {
    const at = this.c.textStarts[i];
    return this.c.text.toString('utf8', at, at + this.c.handleLengths[i]);
  }

  /** Byte offset of entry i. */
  startAt(i: number): number {
    return this.c.starts[i];
  }

  /** Line of entry i. */
  lineAt(i: number): number {
    return this.c.lines[i];
  }

  /** Column (UTF-16) of entry i. */
  columnAt(i: number): number {
    return this.c.columns[i];
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
    const key = Buffer.from(handle, 'utf8');
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareKey(order[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo < order.length && this.compareKey(order[lo], key) === 0 ? order[lo] : -1;
  }

  /** File position of the entry whose byte range contains offset, or -1. */
  entryAtOffset(offset: number): number {
    const i = lastAtOrBefore(this.c.starts, this.size, offset);
    return i >= 0 && offset < this.c.ends[i] ? i : -1;
  }

  /** All handles in file order (for completion lists). */
  handleList(): string[] {
    return Array.from({ length: this.size }, (_, i) => this.handleAt(i));
  }

  *[Symbol.iterator](): Iterator<HandleEntry> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }

  /**
   * A new index with entries [from, to) replaced by inserted and every later entry moved by
   * byteDelta bytes and lineDelta lines: what an edit of the file does to the index.
   */
  splice(from: number, to: number, inserted: HandleEntry[], byteDelta: number, lineDelta: number): HandleIndex {
    // Sized exactly and copied once: this runs on every keystroke in the open list.
    const c = this.c;
    const mid = HandleIndex.from(inserted).c;
    const size = from + mid.size + c.size - to;
    const textHead = from < c.size ? c.textStarts[from] : c.text.length;
    const textTail = to < c.size ? c.textStarts[to] : c.text.length;
    const text = Buffer.allocUnsafe(textHead + mid.text.length + c.text.length - textTail);
    c.text.copy(text, 0, 0, textHead);
    mid.text.copy(text, textHead);
    c.text.copy(text, textHead + mid.text.length, textTail);
    const join = <T extends Uint32Array | Uint16Array>(a: T, b: T, make: (n: number) => T): T => {
      const out = make(size);
      out.set(a.subarray(0, from));
      out.set(b, from);
      out.set(a.subarray(to), from + b.length);
      return out;
    };
    const u32 = (n: number) => new Uint32Array(n);
    const u16 = (n: number) => new Uint16Array(n);
    const columns: Columns = {
      size,
      starts: join(c.starts, mid.starts, u32),
      ends: join(c.ends, mid.ends, u32),
      lines: join(c.lines, mid.lines, u32),
      columns: join(c.columns, mid.columns, u32),
      textStarts: join(c.textStarts, mid.textStarts, u32),
      handleLengths: join(c.handleLengths, mid.handleLengths, u16),
      nameLengths: join(c.nameLengths, mid.nameLengths, u16),
      githubLengths: join(c.githubLengths, mid.githubLengths, u16),
      text,
    };
    for (let i = from; i < from + mid.size; i++) columns.textStarts[i] += textHead;
    const textShift = textHead + mid.text.length - textTail;
    for (let i = from + mid.size; i < size; i++) {
      columns.starts[i] += byteDelta;
      columns.ends[i] += byteDelta;
      columns.lines[i] += lineDelta;
      columns.textStarts[i] += textShift;
    }
    const result = new HandleIndex(columns);
    // Typing inside an entry leaves the handles as they were: keep the sorted order.
    if (this.order && inserted.length === to - from && inserted.every((e, k) => e.handle === this.handleAt(from + k))) {
      result.order = this.order;
    }
    return result;
  }

  /** @internal the columns, for incremental updates. */
  columnsOf(): Readonly<Columns> {
    return this.c;
  }

  private compareKey(i: number, key: Buffer): number {
    return compareBytes(this.c.text, this.c.textStarts[i], this.c.handleLengths[i], key, 0, key.length);
  }

  private sortedOrder(): Uint32Array {
    if (this.order) return this.order;
    const { text, textStarts, handleLengths } = this.c;
    const order = new Uint32Array(this.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    // Lists are kept sorted by hand: check that first, it is one pass.
    const byHandle = (a: number, b: number) =>
      compareBytes(text, textStarts[a], handleLengths[a], text, textStarts[b], handleLengths[b]) || a - b;
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) sorted = byHandle(i - 1, i) < 0;
    if (!sorted) order.sort(byHandle);
    this.order = order;
    return order;
  }
}

interface Columns {
  size: number;
  starts: Uint32Array;
  ends: Uint32Array;
  lines: Uint32Array;
  columns: Uint32Array;
  /** Where entry i's handle, then name, then GitHub handle are in text. */
  textStarts: Uint32Array;
  handleLengths: Uint16Array;
  nameLengths: Uint16Array;
  githubLengths: Uint16Array;
  text: Buffer;
}

/** Collects entries in file order; grows its arrays by doubling. */
export class HandleIndexBuilder {
  private c: Columns;
  private textLength = 0;

  constructor(capacity = 1024, textCapacity = capacity * 32) {
    this.c = {
      size: 0,
      starts: new Uint32Array(capacity),
      ends: new Uint32Array(capacity),
      lines: new Uint32Array(capacity),
      columns: new Uint32Array(capacity),
      textStarts: new Uint32Array(capacity),
      handleLengths: new Uint16Array(capacity),
      nameLengths: new Uint16Array(capacity),
      githubLengths: new Uint16Array(capacity),
      text: Buffer.alloc(Math.max(16, textCapacity)),
    };
  }

  /** Number of entries pushed so far. */
  get size(): number {
    return this.c.size;
  }

  /** Appends one entry (entries must arrive in file order). */
  push(entry: HandleEntry): void {
    const i = this.c.size;
    this.reserve(i + 1, this.textLength + 3 * 4 * 1024);
    const c = this.c;
    c.starts[i] = entry.start;
    c.ends[i] = entry.end;
    c.lines[i] = entry.line;
    c.columns[i] = entry.column;
    c.textStarts[i] = this.textLength;
    c.handleLengths[i] = this.write(entry.handle);
    c.nameLengths[i] = entry.name === undefined ? ABSENT : this.write(entry.name);
    // Most GitHub handles equal the maintainer handle: no second copy of those.
    c.githubLengths[i] = entry.github === undefined ? ABSENT : entry.github === entry.handle ? SAME_AS_HANDLE : this.write(entry.github);
    c.size++;
  }

  /** Freezes the collected entries into an index (arrays trimmed to size). */
  build(): HandleIndex {
    const c = this.c;
    const n = c.size;
    return new HandleIndex({
      size: n,
      starts: c.starts.slice(0, n),
      ends: c.ends.slice(0, n),
      lines: c.lines.slice(0, n),
      columns: c.columns.slice(0, n),
      textStarts: c.textStarts.slice(0, n),
      handleLengths: c.handleLengths.slice(0, n),
      nameLengths: c.nameLengths.slice(0, n),
      githubLengths: c.githubLengths.slice(0, n),
      text: Buffer.from(c.text.subarray(0, this.textLength)),
    });
  }

  /** Writes text at the end of the text buffer; returns its byte length (cut to fit a length). */
  private write(text: string): number {
    let length = this.c.text.write(text, this.textLength, 'utf8');
    if (length > MAX_TEXT_BYTES) length = MAX_TEXT_BYTES;
    this.textLength += length;
    return length;
  }

  private reserve(capacity: number, textCapacity: number): void {
    const c = this.c;
    if (textCapacity > c.text.length) {
      const text = Buffer.alloc(Math.max(textCapacity, c.text.length * 2));
      c.text.copy(text, 0, 0, this.textLength);
      c.text = text;
    }
    if (capacity <= c.starts.length) return;
    const grown = Math.max(capacity, c.starts.length * 2);
    const grow32 = (a: Uint32Array) => {
      const b = new Uint32Array(grown);
      b.set(a);
      return b;
    };
    const grow16 = (a: Uint16Array) => {
      const b = new Uint16Array(grown);
      b.set(a);
      return b;
    };
    c.starts = grow32(c.starts);
    c.ends = grow32(c.ends);
    c.lines = grow32(c.lines);
    c.columns = grow32(c.columns);
    c.textStarts = grow32(c.textStarts);
    c.handleLengths = grow16(c.handleLengths);
    c.nameLengths = grow16(c.nameLengths);
    c.githubLengths = grow16(c.githubLengths);
  }
}

/** Byte order of two byte strings; a loop in JS, cheaper than Buffer.compare for short ones. */
function compareBytes(a: Uint8Array, aStart: number, aLength: number, b: Uint8Array, bStart: number, bLength: number): number {
  const n = Math.min(aLength, bLength);
  for (let k = 0; k < n; k++) {
    const d = a[aStart + k] - b[bStart + k];
    if (d !== 0) return d;
  }
  return aLength - bLength;
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
