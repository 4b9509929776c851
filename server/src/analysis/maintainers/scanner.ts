// The maintainer-list scanner: which bindings of a Nix attribute set of attribute sets are
// entries (`handle = { name = …; github = …; };`), read from the tokens of the lexer
// (lexer.ts) and handed out one entry at a time.
import type { HandleEntry } from './index';
import { ChunkLexer, type ScanPoint } from './lexer';
import { STRING, EXPECT, ATTR, EQ, ENTRY, AFTER, SKIP, FIELD_NONE, FIELD_NAME, FIELD_GITHUB, fieldOfBytes, fieldOf } from './lexicon';

/** Asked at every place an entry could begin; true ends the scan there (before that entry). */
export type StopRule = (point: ScanPoint) => boolean;

/**
 * Finds the entries of a maintainer list: depth 1 is the list's bindings, depth 2 the fields
 * of one. It keeps no bytes but the current identifier or wanted string, so memory is the
 * chunk plus that.
 */
export class EntryScanner extends ChunkLexer {
  private b = EXPECT;
  private attr: string | undefined;
  private attrStart = 0;
  private attrLine = 0;
  private attrCol = 0;
  private entryCloseEnd = 0;
  private f = EXPECT;
  private field = FIELD_NONE;
  private name: string | undefined;
  private github: string | undefined;
  private shortName: string | undefined;

  constructor(
    private readonly sink: (entry: HandleEntry) => void,
    private readonly stop: StopRule | undefined,
    from: ScanPoint | undefined,
  ) {
    super(from);
  }

  /** Ends the scan at end of file. */
  override finish(size: number): void {
    super.finish(size);
    if (this.b === AFTER && this.depth === 1) this.finishEntry(this.entryCloseEnd);
  }

  protected wantsWord(pos: number): boolean {
    if (this.depth === 1 && this.b === EXPECT) {
      this.beginAttr(pos);
      return true;
    }
    return this.depth === 2 && this.b === ENTRY && this.f === EXPECT;
  }

  protected word(pos: number, wanted: boolean): void {
    if (wanted && this.depth === 2 && this.wordInChunk()) {
      // A field name: compare bytes rather than make a string per field of 30,000 entries.
      this.field = fieldOfBytes(this.chunk, this.wordStart - this.chunkStart, pos - this.chunkStart);
      this.f = ATTR;
      return;
    }
    this.token(wanted ? this.wordText(pos) : undefined, true);
  }

  protected wantsString(pos: number, mode: number): boolean {
    if (this.depth === 1 && this.b === EXPECT && mode === STRING) {
      this.beginAttr(pos);
      return true;
    }
    return this.depth === 2 && this.b === ENTRY && this.f === EQ && this.field !== FIELD_NONE;
  }

  private beginAttr(pos: number): void {
    this.attrStart = pos;
    this.attrLine = this.line;
    this.attrCol = this.columnAt(pos);
    if (this.stop?.({ offset: pos, line: this.attrLine, column: this.attrCol })) {
      this.stopped = { offset: pos, line: this.attrLine, column: this.attrCol };
    }
  }

  protected token(text: string | undefined, isWord: boolean): void {
    if (this.interp.length) return;
    if (this.depth === 1) {
      if (this.b === EXPECT && (text !== undefined || !isWord)) {
        this.attr = text;
        this.b = text === undefined ? SKIP : ATTR;
      } else if (this.b === ATTR || this.b === EQ || this.b === EXPECT) this.b = SKIP;
    } else if (this.depth === 2 && this.b === ENTRY) {
      if (this.f === EXPECT) {
        this.field = fieldOf(text);
        this.f = ATTR;
      } else if (this.f === EQ && !isWord && this.capture) {
        if (this.field === FIELD_NAME) this.name = text;
        else if (this.field === FIELD_GITHUB) this.github = text;
        else this.shortName = text;
        this.f = SKIP;
      } else this.f = SKIP;
    }
  }

  protected punct(c: number, pos = 0): void {
    if (this.interp.length) return;
    if (this.depth === 1) {
      if (c === 59) {
        if (this.b === AFTER) this.finishEntry(pos + 1);
        this.b = EXPECT;
      } else if (c === 61 && this.b === ATTR) this.b = EQ;
      else if (this.b !== AFTER) this.b = SKIP;
    } else if (this.depth === 2 && this.b === ENTRY) {
      if (c === 59) this.f = EXPECT;
      else if (c === 61 && this.f === ATTR) this.f = EQ;
      else this.f = SKIP;
    }
  }

  protected opened(c: number): void {
    if (this.depth === 1) {
      if (c === 123 && this.b === EQ) {
        this.b = ENTRY;
        this.f = EXPECT;
        this.name = this.github = this.shortName = undefined;
      } else if (this.b !== AFTER) this.b = SKIP;
    } else if (this.depth === 2 && this.b === ENTRY) this.f = SKIP;
  }

  protected closed(pos: number): void {
    if (this.depth === 1 && this.b === ENTRY) {
      this.b = AFTER;
      this.entryCloseEnd = pos + 1;
    } else if (this.depth === 0) {
      // The top-level set closed; an entry missing its `;` still counts.
      if (this.b === AFTER) this.finishEntry(this.entryCloseEnd);
      this.b = EXPECT;
    }
  }

  private finishEntry(end: number): void {
    if (this.attr === undefined) return;
    const entry: HandleEntry = {
      handle: this.attr,
      start: this.attrStart,
      end,
      line: this.attrLine,
      column: this.attrCol,
    };
    const name = this.name ?? this.shortName;
    if (name !== undefined) entry.name = name;
    if (this.github !== undefined) entry.github = this.github;
    this.sink(entry);
  }
}
