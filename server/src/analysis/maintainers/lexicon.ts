// The lexicon of the maintainer-list scanner: its modes and states as small integers, the
// character classes of Nix identifiers as byte tables, and the few conversions it needs.

/** Longest string value (name, GitHub handle, quoted handle) kept; the rest is cut off. */
export const CAPTURE_LIMIT = 1024;
/** Longest identifier kept; longer ones cannot be real handles or field names. */
export const WORD_LIMIT = 256;

// Lexical modes.
export const CODE = 0;
export const LINE_COMMENT = 1;
export const BLOCK_COMMENT = 2;
export const STRING = 3;
export const IND_STRING = 4;
// Pending characters, for tokens of two characters that may straddle a chunk boundary.
export const NONE = 0;
export const SLASH = 1; // `/` in code: maybe `/*`
export const QUOTE = 2; // `'` in code: maybe `''`
export const STAR = 3; // `*` in a block comment: maybe `*/`
export const ESCAPE = 4; // `\` in a string, or `''\` in an indented one
export const DOLLAR = 5; // `$` in a string: maybe `${`
export const QUOTE1 = 6; // `'` in an indented string
export const QUOTE2 = 7; // `''` in an indented string: its end, unless `'`, `$` or `\` follows
// Where a binding (depth 1: an entry; depth 2: a field of one) has got to.
export const EXPECT = 0; // the attribute name
export const ATTR = 1; // `=`
export const EQ = 2; // the value
export const ENTRY = 3; // inside the entry's `{ … }`
export const AFTER = 4; // the entry's `}` seen, waiting for `;`
export const SKIP = 5; // not an entry: skip to `;`
// The fields whose values the index keeps.
export const FIELD_NONE = 0;
export const FIELD_NAME = 1;
export const FIELD_GITHUB = 2;
const FIELD_SHORT_NAME = 3;

export const wordStartChar = new Uint8Array(256);
export const wordChar = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  wordStartChar[c] = /[A-Za-z0-9_]/.test(ch) ? 1 : 0;
  wordChar[c] = /[A-Za-z0-9_'-]/.test(ch) ? 1 : 0;
}

const FIELD_BYTES: [Buffer, number][] = [
  [Buffer.from('name'), FIELD_NAME],
  [Buffer.from('github'), FIELD_GITHUB],
  [Buffer.from('shortName'), FIELD_SHORT_NAME],
];

export function fieldOfBytes(bytes: Buffer, from: number, to: number): number {
  // A loop in JS: Buffer.compare with offsets costs more than these few bytes do.
  next: for (const [name, field] of FIELD_BYTES) {
    if (to - from !== name.length) continue;
    for (let k = 0; k < name.length; k++) if (bytes[from + k] !== name[k]) continue next;
    return field;
  }
  return FIELD_NONE;
}

export function fieldOf(name: string | undefined): number {
  switch (name) {
    case 'name':
      return FIELD_NAME;
    case 'github':
      return FIELD_GITHUB;
    case 'shortName':
      return FIELD_SHORT_NAME;
    default:
      return FIELD_NONE;
  }
}

/** UTF-16 code units of the UTF-8 bytes [from, to): a 4-byte sequence is a surrogate pair. */
export function utf16Units(bytes: Uint8Array, from: number, to: number): number {
  let units = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
  }
  return units;
}

/** The value of a Nix string literal's body (escapes resolved; no interpolation). */
export function unescapeString(body: string, indented: boolean): string {
  if (indented)
    return body
      .replace(/''(['$])/g, (_, c: string) => (c === "'" ? "''" : '$'))
      .replace(/''\\(.)/gs, '$1')
      .trim();
  return body.replace(/\\(.)/gs, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}
