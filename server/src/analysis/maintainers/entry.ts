import type { ByteReader } from './reader';

/** What a hover or a stub consumer needs of one maintainer or team. */
export interface MaintainerEntry {
  handle: string;
  name?: string;
  email?: string;
  github?: string;
  githubId?: number;
  matrix?: string;
  /** PGP key fingerprints. */
  keys: string[];
  /** A team's member handles. */
  members?: string[];
  scope?: string;
  shortName?: string;
  /** The entry's source text (at most maxBytes of it). */
  raw: string;
  /** Set when the entry was longer than maxBytes and only its start was read. */
  truncated?: boolean;
}

/** A byte range of the list, as the handle index or a stub gives it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Largest entry readEntry reads; a real entry is a few hundred bytes. */
const DEFAULT_MAX_ENTRY_BYTES = 16 * 1024;

/** Reads one entry's bytes, and only those, and parses them. */
export async function readEntry(reader: ByteReader, range: ByteRange, options: { maxBytes?: number } = {}): Promise<MaintainerEntry> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const length = Math.max(0, range.end - range.start);
  const bytes = await reader.read(range.start, Math.min(length, maxBytes));
  const entry = parseEntry(bytes.toString('utf8'));
  if (length > maxBytes) entry.truncated = true;
  return entry;
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };
type Value =
  | { kind: 'word' | 'string'; text: string }
  | { kind: 'list'; items: Value[] }
  | { kind: 'set'; fields: Map<string, Value> }
  | { kind: 'other' };

/** Parses `handle = { … };`. Never throws: whatever cannot be read is left out. */
export function parseEntry(raw: string): MaintainerEntry {
  const parser = new Parser(tokenize(raw));
  const head = parser.next();
  const entry: MaintainerEntry = { handle: head && head.kind !== 'punct' ? head.text : '', keys: [], raw };
  if (!parser.eat('=')) return entry;
  const value = parser.value();
  if (value.kind !== 'set') return entry;
  const text = (key: string): string | undefined => {
    const v = value.fields.get(key);
    return v && (v.kind === 'string' || v.kind === 'word') ? v.text : undefined;
  };
  const assign = <K extends keyof MaintainerEntry>(key: K, v: MaintainerEntry[K] | undefined) => {
    if (v !== undefined) entry[key] = v;
  };
  assign('name', text('name'));
  assign('email', text('email'));
  assign('github', text('github'));
  assign('matrix', text('matrix'));
  assign('scope', text('scope'));
  assign('shortName', text('shortName'));
  const id = text('githubId');
  if (id !== undefined && /^\d+$/.test(id)) entry.githubId = Number(id);
  const keys = value.fields.get('keys');
  if (keys?.kind === 'list') {
    for (const key of keys.items) {
      const fp = key.kind === 'set' ? key.fields.get('fingerprint') : undefined;
      if (fp?.kind === 'string') entry.keys.push(fp.text);
    }
  }
  const members = value.fields.get('members');
  if (members?.kind === 'list') {
    // `lib.maintainers.alice` and `alice` name the same maintainer.
    entry.members = members.items.flatMap((m) =>
      m.kind === 'word' || m.kind === 'string' ? [m.text.slice(m.text.lastIndexOf('.') + 1)] : [],
    );
  }
  return entry;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  next(): Token | undefined {
    return this.tokens[this.i++];
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  eat(punct: string): boolean {
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === punct) {
      this.i++;
      return true;
    }
    return false;
  }

  value(): Value {
    const t = this.next();
    if (!t) return { kind: 'other' };
    if (t.kind === 'string') return { kind: 'string', text: t.text };
    if (t.kind === 'word') {
      if (t.text === 'with') {
        this.skipPast(';');
        return this.value();
      }
      let text = t.text;
      while (this.eat('.')) text += `.${this.next()?.text ?? ''}`;
      return { kind: 'word', text };
    }
    if (t.text === '[') {
      const items: Value[] = [];
      while (this.peek() && !this.eat(']')) {
        const at = this.i;
        items.push(this.value());
        if (this.i === at) break; // `;` or a closer inside a list: the list is broken
      }
      return { kind: 'list', items };
    }
    if (t.text === '{') return this.set();
    if (t.text === '(') this.skipPast(')');
    // A missing value (`email = ;`): leave the `;` or closer to whoever is waiting for it.
    else if (';}])'.includes(t.text)) this.i--;
    return { kind: 'other' };
  }

  private set(): Value {
    const fields = new Map<string, Value>();
    for (let t = this.peek(); t && !this.eat('}'); t = this.peek()) {
      if (t.kind === 'punct') {
        // Stray punctuation: step over it (and whatever it opens) and look for the next key.
        if ('{[('.includes(t.text)) this.value();
        else this.i++;
        continue;
      }
      const key = this.next()!;
      if (key.text !== 'inherit' && key.text !== 'inherit' && this.eat('=')) {
        const value = this.value();
        if (!fields.has(key.text)) fields.set(key.text, value);
      }
      // Whatever follows (`++ x`, `// y`, a malformed binding) runs to this binding's `;`.
      this.skipTo(';', '}');
      this.eat(';');
    }
    return { kind: 'set', fields };
  }

  /** Advances to the next `stop` or `close` at this nesting level, without consuming it. */
  private skipTo(stop: string, close: string): void {
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.kind === 'punct') {
        if (depth === 0 && (t.text === stop || t.text === close)) return;
        if (t.text === '{' || t.text === '[' || t.text === '(') depth++;
        else if (t.text === '}' || t.text === ']' || t.text === ')') depth--;
        if (depth < 0) return;
      }
      this.i++;
    }
  }

  private skipPast(stop: string): void {
    this.skipTo(stop, stop);
    this.i++;
  }
}

/** Splits Nix source into words, strings (escapes resolved) and punctuation; drops comments. */
function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) i++;
    else if (c === '#') i = lineEnd(src, i);
    else if (src.startsWith('/*', i)) i = indexOrEnd(src, '*/', i + 2) + 2;
    else if (c === '"' || src.startsWith("''", i)) i = readString(src, i, tokens);
    else if (/[A-Za-z0-9_]/.test(c)) {
      const m = /^[A-Za-z0-9_'-]+/.exec(src.slice(i, i + 256))!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

function readString(src: string, i: number, tokens: Token[]): number {
  const indented = src[i] === "'";
  let j = i + (indented ? 2 : 1);
  let text = '';
  while (j < src.length) {
    if (!indented && src[j] === '"') return push(j + 1);
    if (!indented && src[j] === '\\' && j + 1 < src.length) {
      const e = src[j + 1];
      text += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      j += 2;
    } else if (indented && src.startsWith("''", j)) {
      const after = src[j + 2];
      if (after === "'") text += "''";
      else if (after === '$') text += '$';
      else if (after === '\\') text += src[j + 3] ?? '';
      else return push(j + 2, true);
      j += after === '\\' ? 4 : 3;
    } else if (src.startsWith('${', j)) {
      // Kept as written: a hover shows `${x}@example.org`, not a guess at its value.
      const close = interpolationEnd(src, j + 2);
      text += src.slice(j, close);
      j = close;
    } else text += src[j++];
  }
  return push(j);

  function push(end: number, trim = false): number {
    tokens.push({ kind: 'string', text: trim ? text.trim() : text });
    return end;
  }
}

function interpolationEnd(src: string, i: number): number {
  let depth = 1;
  for (; i < src.length && depth > 0; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}') depth--;
  }
  return i;
}

function lineEnd(src: string, i: number): number {
  const j = src.indexOf('\n', i);
  return j < 0 ? src.length : j;
}

function indexOrEnd(src: string, needle: string, from: number): number {
  const j = src.indexOf(needle, from);
  return j < 0 ? src.length : j;
}

/** Markdown for a hover card of a maintainer (prefix `maintainers`) or team (`teams`). */
export function formatEntryHover(entry: MaintainerEntry, prefix = entry.members ? 'teams' : 'maintainers'): string {
  const title = entry.name ?? entry.shortName ?? entry.handle;
  const lines = [`**${escapeMarkdown(title)}** \`${code(`${prefix}.${entry.handle}`)}\``, ''];
  if (entry.scope) lines.push(escapeMarkdown(entry.scope), '');
  if (entry.github) {
    const id = entry.githubId !== undefined ? ` (id ${entry.githubId})` : '';
    const login = encodeURIComponent(entry.github);
    lines.push(`- GitHub: [@${escapeMarkdown(entry.github)}](https://github.com/${login})${id}`);
  }
  if (entry.email) lines.push(`- Email: \`${code(entry.email)}\``);
  if (entry.matrix) lines.push(`- Matrix: \`${code(entry.matrix)}\``);
  for (const key of entry.keys) lines.push(`- Key: \`${code(key)}\``);
  if (entry.members) {
    const members = entry.members.map((m) => `\`${code(m)}\``).join(', ');
    lines.push(`- Members (${entry.members.length}): ${members || 'none'}`);
  }
  if (entry.truncated) lines.push('', '_Entry too long; only its start was read._');
  return lines.join('\n').trimEnd();
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~-]/g, '\\$&').replace(/\s+/g, ' ');
}

/** Text for an inline code span, which cannot hold a backtick or a line break. */
function code(text: string): string {
  return text.replace(/`/g, "'").replace(/\s+/g, ' ');
}
