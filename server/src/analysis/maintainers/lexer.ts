// The lexical half of the maintainer-list scanner: Nix read a byte at a time, chunk by chunk —
// comments, strings and their `${ … }`, words, brackets — with the line and column kept as it
// goes. Of a word or string it keeps bytes only when the scanner wants them (scanner.ts says
// which, and makes entries of them), so memory is the chunk plus that one token.
import {
  CAPTURE_LIMIT,
  WORD_LIMIT,
  CODE,
  LINE_COMMENT,
  BLOCK_COMMENT,
  STRING,
  IND_STRING,
  NONE,
  SLASH,
  QUOTE,
  STAR,
  ESCAPE,
  DOLLAR,
  QUOTE1,
  QUOTE2,
  wordStartChar,
  wordChar,
  utf16Units,
  unescapeString,
} from './lexicon';

/** A place a scan can begin: the file start, or the start of an entry an earlier scan found. */
export interface ScanPoint {
  offset: number;
  line: number;
  column: number;
}

/**
 * A byte-at-a-time state machine over Nix that hands its tokens to the scanner's hooks. Whether
 * a word or string is wanted, and brackets, are asked only outside `${ … }`; `token` and `punct`
 * hear everything, and `interp` says whether we are inside one. Only ASCII matters to Nix
 * syntax, so multi-byte UTF-8 passes through untouched.
 */
export abstract class ChunkLexer {
  stopped: ScanPoint | undefined;
  private mode = CODE;
  private pend = NONE;
  /** How many brackets are open. */
  protected depth: number;
  /** (depth, mode) pairs of the strings whose `${ … }` we are inside. */
  protected interp: number[] = [];
  protected line: number;
  /** A byte offset in the current line, and its UTF-16 column. */
  private lineStart: number;
  private lineCol: number;
  protected chunk: Buffer = Buffer.alloc(0);
  protected chunkStart = 0;

  private inWord = false;
  private wordWanted = false;
  protected wordStart = 0;
  private wordCarry = '';

  /** The string being read is wanted: its value is kept. */
  protected capture = false;
  private strInterpolated = false;
  private strRawStart = 0;
  private strCarry: Buffer[] = [];
  private strCarryLength = 0;

  constructor(from: ScanPoint | undefined) {
    // Resuming at an entry start means: inside the top-level set, between bindings.
    this.depth = from ? 1 : 0;
    this.line = from?.line ?? 0;
    this.lineStart = from?.offset ?? 0;
    this.lineCol = from?.column ?? 0;
  }

  /** A word begins at pos: whether its text is wanted. */
  protected abstract wantsWord(pos: number): boolean;
  /** A word ended at pos (`wanted` as `wantsWord` said). */
  protected abstract word(pos: number, wanted: boolean): void;
  /** A string begins at pos: whether its value is wanted. */
  protected abstract wantsString(pos: number, mode: number): boolean;
  /** A word or string ended; text is set only where the scan wanted it. */
  protected abstract token(text: string | undefined, isWord: boolean): void;
  /** `=`, `;`, `.` (by char code), or 0 for any other punctuation. */
  protected abstract punct(c: number, pos?: number): void;
  /** A bracket opened (before the depth counts it). */
  protected abstract opened(c: number): void;
  /** A bracket closed at pos (after the depth no longer counts it). */
  protected abstract closed(pos: number): void;

  /** Scans one chunk; false once the stop rule has ended the scan. */
  feed(chunk: Buffer, chunkStart: number): boolean {
    this.chunk = chunk;
    this.chunkStart = chunkStart;
    const n = chunk.length;
    let i = 0;
    // Each mode first skips the bytes that cannot change its state in a tight loop: most of
    // the file is whitespace, identifiers and string bodies.
    while (i < n) {
      let c = chunk[i];
      switch (this.mode) {
        case CODE:
          if (this.pend === NONE) {
            if (this.inWord) {
              while (wordChar[c] && ++i < n) c = chunk[i];
              if (i === n) continue;
            } else {
              while (c === 32 || c === 9 || c === 13) {
                if (++i === n) break;
                c = chunk[i];
              }
              if (i === n) continue;
            }
          }
          if (c === 10) this.newline(chunkStart + i);
          this.code(c, chunkStart + i);
          i++;
          if (this.stopped) return false;
          break;
        case LINE_COMMENT: {
          const eol = chunk.indexOf(10, i);
          if (eol < 0) i = n;
          else {
            this.mode = CODE;
            i = eol; // the newline itself is counted in code
          }
          break;
        }
        case BLOCK_COMMENT:
          for (; i < n; i++) {
            c = chunk[i];
            if (c === 10) this.newline(chunkStart + i);
            else if (c === 47 && this.pend === STAR) {
              this.mode = CODE;
              this.pend = NONE;
              i++;
              break;
            }
            this.pend = c === 42 ? STAR : NONE;
          }
          break;
        case STRING:
          if (this.pend === NONE) {
            while (c !== 34 && c !== 92 && c !== 36 && c !== 10 && ++i < n) c = chunk[i];
            if (i === n) continue;
          }
          if (c === 10) this.newline(chunkStart + i);
          this.string(c, chunkStart + i);
          i++;
          break;
        default:
          if (this.pend === NONE) {
            while (c !== 39 && c !== 36 && c !== 10 && ++i < n) c = chunk[i];
            if (i === n) continue;
          }
          if (c === 10) this.newline(chunkStart + i);
          this.indString(c, chunkStart + i);
          i++;
          if (this.stopped) return false;
      }
    }
    this.carryOver();
    return true;
  }

  private newline(pos: number): void {
    this.line++;
    this.lineStart = pos + 1;
    this.lineCol = 0;
  }

  /** The UTF-16 column of a byte offset in the current line (of the current chunk). */
  protected columnAt(pos: number): number {
    return this.lineCol + utf16Units(this.chunk, this.lineStart - this.chunkStart, pos - this.chunkStart);
  }

  /** Ends the scan at end of file: the token cut off there ends. */
  finish(size: number): void {
    this.chunk = Buffer.alloc(0);
    this.chunkStart = size;
    if (this.mode === CODE && (this.pend === SLASH || this.pend === QUOTE)) this.punct(0);
    if (this.inWord) this.endWord(size);
    if (this.mode === IND_STRING && this.pend === QUOTE2) this.endString(size - 2);
  }

  private code(c: number, pos: number): void {
    if (this.pend === SLASH || this.pend === QUOTE) {
      const pend = this.pend;
      this.pend = NONE;
      if (pend === SLASH && c === 42 /* * */) {
        this.mode = BLOCK_COMMENT;
        return;
      }
      if (pend === QUOTE && c === 39 /* ' */) {
        this.startString(pos - 1, IND_STRING, pos + 1);
        return;
      }
      this.punct(0);
    }
    if (this.inWord) {
      if (wordChar[c]) return;
      this.endWord(pos);
    }
    switch (c) {
      case 32:
      case 9:
      case 10:
      case 13:
        return;
      case 35 /* # */:
        this.mode = LINE_COMMENT;
        return;
      case 47 /* / */:
        this.pend = SLASH;
        return;
      case 39 /* ' */:
        this.pend = QUOTE;
        return;
      case 34 /* " */:
        this.startString(pos, STRING, pos + 1);
        return;
      case 123 /* { */:
      case 91 /* [ */:
      case 40 /* ( */:
        this.open(c);
        return;
      case 125 /* } */:
      case 93 /* ] */:
      case 41 /* ) */:
        this.close(c, pos);
        return;
      case 61 /* = */:
      case 59 /* ; */:
      case 46 /* . */:
        this.punct(c, pos);
        return;
    }
    if (wordStartChar[c]) this.startWord(pos);
    else this.punct(0);
  }

  private string(c: number, pos: number): void {
    const pend = this.pend;
    this.pend = NONE;
    if (pend === ESCAPE) return;
    if (pend === DOLLAR) {
      if (c === 123) {
        this.enterInterpolation();
        return;
      }
      if (c === 36) return; // `$$` is literal
    }
    if (c === 92 /* \ */) this.pend = ESCAPE;
    else if (c === 36 /* $ */) this.pend = DOLLAR;
    else if (c === 34 /* " */) this.endString(pos);
  }

  private indString(c: number, pos: number): void {
    const pend = this.pend;
    this.pend = NONE;
    switch (pend) {
      case ESCAPE:
        return;
      case QUOTE2:
        if (c === 39 || c === 36) return; // `'''` and `''$` are escapes
        if (c === 92) {
          this.pend = ESCAPE;
          return;
        }
        this.endString(pos - 2);
        this.code(c, pos);
        return;
      case QUOTE1:
        if (c === 39) {
          this.pend = QUOTE2;
          return;
        }
        break;
      case DOLLAR:
        if (c === 123) {
          this.enterInterpolation();
          return;
        }
        if (c === 36) return;
    }
    if (c === 39) this.pend = QUOTE1;
    else if (c === 36) this.pend = DOLLAR;
  }

  private enterInterpolation(): void {
    this.interp.push(this.depth, this.mode);
    this.mode = CODE;
    // The value is no longer a literal, and nested strings reuse the capture state.
    this.capture = false;
    this.strInterpolated = true;
  }

  private open(c: number): void {
    if (!this.interp.length) this.opened(c);
    this.depth++;
  }

  private close(c: number, pos: number): void {
    const n = this.interp.length;
    if (c === 125 && n && this.interp[n - 2] === this.depth) {
      this.mode = this.interp[n - 1];
      this.interp.length = n - 2;
      return;
    }
    if (this.depth > 0) this.depth--;
    if (!n) this.closed(pos);
  }

  private startWord(pos: number): void {
    this.inWord = true;
    this.wordStart = pos;
    this.wordCarry = '';
    this.wordWanted = false;
    if (this.interp.length) return;
    this.wordWanted = this.wantsWord(pos);
  }

  private endWord(pos: number): void {
    this.inWord = false;
    this.word(pos, this.wordWanted);
  }

  /** Whether the word ending now lies whole in the current chunk (nothing of it carried over). */
  protected wordInChunk(): boolean {
    return this.wordCarry === '';
  }

  /** The text of the wanted word ending at pos, the part carried over from earlier chunks included. */
  protected wordText(pos: number): string {
    const from = Math.max(this.wordStart - this.chunkStart, 0);
    const text = this.wordCarry + this.chunk.toString('latin1', from, pos - this.chunkStart);
    this.wordCarry = '';
    return text;
  }

  private startString(pos: number, mode: number, rawStart: number): void {
    this.mode = mode;
    this.strRawStart = rawStart;
    this.strInterpolated = false;
    this.strCarry = [];
    this.strCarryLength = 0;
    this.capture = false;
    if (this.interp.length) return;
    this.capture = this.wantsString(pos, mode);
  }

  private endString(contentEnd: number): void {
    const kind = this.mode;
    this.mode = CODE;
    let value: string | undefined;
    if (this.capture) {
      const from = Math.max(this.strRawStart - this.chunkStart, 0);
      const to = Math.max(contentEnd - this.chunkStart, from);
      const length = Math.min(contentEnd - this.strRawStart, CAPTURE_LIMIT);
      let body: string;
      if (this.strCarryLength === 0) body = this.chunk.toString('utf8', from, from + Math.min(to - from, length));
      else {
        const parts = this.strCarry.concat(this.chunk.subarray(from, to));
        body = Buffer.concat(parts).subarray(0, length).toString('utf8');
        this.strCarry = [];
      }
      // Most values have no escapes; skip the regular expression for them.
      value = body.includes('\\') || kind === IND_STRING ? unescapeString(body, kind === IND_STRING) : body;
    }
    this.token(this.strInterpolated ? undefined : value, false);
  }

  /** Keeps what the next chunk needs of this one: a partial word or string, the column. */
  private carryOver(): void {
    const chunk = this.chunk;
    const n = chunk.length;
    if (this.inWord && this.wordWanted && this.wordCarry.length < WORD_LIMIT) {
      const from = Math.max(this.wordStart - this.chunkStart, 0);
      this.wordCarry += chunk.toString('latin1', from, Math.min(n, from + WORD_LIMIT));
    }
    if ((this.mode === STRING || this.mode === IND_STRING) && this.capture && this.strCarryLength < CAPTURE_LIMIT) {
      const from = Math.max(this.strRawStart - this.chunkStart, 0);
      const part = Buffer.from(chunk.subarray(from, Math.min(n, from + CAPTURE_LIMIT - this.strCarryLength)));
      this.strCarry.push(part);
      this.strCarryLength += part.length;
    }
    this.lineCol += utf16Units(chunk, this.lineStart - this.chunkStart, n);
    this.lineStart = this.chunkStart + n;
  }
}
