import { closeSync, openSync, promises as fs, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { extractFacts, type Attr, type FileFacts, type Val } from './facts';
import { blobHash } from './blobId';
import type { NixParser } from './parser';
import type { Span } from './syntax';

/** How much text is parsed at once: whole bindings, batched up to about this many characters. */
const BATCH_CHARS = 32 * 1024;
/** A single binding larger than this is skipped rather than held in memory. */
const MAX_BINDING_CHARS = 4 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

enum Lex {
  Code,
  String,
  Indented,
  LineComment,
  BlockComment,
}

/**
 * Facts of a file too large to parse whole (a 1.5 MB all-packages.nix): a streaming scan in
 * fixed-size chunks finds the file's main attribute set and cuts it at its top-level bindings;
 * batches of whole bindings are parsed one at a time, positions shifted back into the file.
 * Memory stays bounded by one chunk plus one batch, whatever the file's size.
 */
export async function factsOfLargeFile(
  file: string,
  absolute: string,
  parser: NixParser,
  chunkBytes = CHUNK_BYTES,
  part?: LargeFilePart,
): Promise<FileFacts> {
  return (await largeFileRead(file, absolute, parser, chunkBytes, part)).facts;
}

/**
 * The same facts and the blob id of the bytes they were read from, hashed as they stream by;
 * undefined when the file's size changed while it was read.
 */
export async function largeFileRead(
  file: string,
  absolute: string,
  parser: NixParser,
  chunkBytes = CHUNK_BYTES,
  part?: LargeFilePart,
): Promise<{ facts: FileFacts; blob?: string }> {
  const handle = await fs.open(absolute, 'r');
  try {
    const buffer = Buffer.alloc(chunkBytes);
    const { size } = await handle.stat();
    const hash = blobHash(size);
    let total = 0;
    const scan = scanLargeFile(file, parser, buffer, part && { ...part, size });
    let next = scan.next();
    while (!next.done) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
      next = scan.next(bytesRead);
    }
    return total === size ? { facts: next.value, blob: hash.digest('hex') } : { facts: next.value };
  } finally {
    await handle.close();
  }
}

/**
 * The same facts, read synchronously: for a file a request needs before indexing has read it
 * (a package set reached on the way to a definition).
 */
export function factsOfLargeFileSync(file: string, absolute: string, parser: NixParser, chunkBytes = CHUNK_BYTES): FileFacts {
  const fd = openSync(absolute, 'r');
  try {
    const buffer = Buffer.alloc(chunkBytes);
    const scan = scanLargeFile(file, parser, buffer);
    let next = scan.next();
    while (!next.done) next = scan.next(readSync(fd, buffer, 0, chunkBytes, null));
    return next.value;
  } finally {
    closeSync(fd);
  }
}

/**
 * One of `of` parts of a large file's facts, for `of` workers to read at once: each scans the whole
 * file (the scan is cheap) but parses only the batches that start in its share of the file's bytes;
 * `mergeLargeFileParts` puts the parts back together as one scan would have made them.
 */
export interface LargeFilePart {
  index: number;
  of: number;
}

/** The facts of a large file from its parts, in part order: the same as read in one piece. */
export function mergeLargeFileParts(parts: readonly FileFacts[]): FileFacts {
  const [first] = parts;
  if (first?.value.k !== 'set') throw new Error('no parts of a large file to merge');
  const attrs = parts.flatMap((p) => (p.value.k === 'set' ? p.value.attrs : []));
  return { ...first, errors: parts.flatMap((p) => p.errors).slice(0, MAX_ERRORS), value: { ...first.value, attrs } };
}

const MAX_ERRORS = 50;

/** The scan: yields `buffer` whenever it needs the next chunk, and is resumed with the bytes read into it (0 at the end). */
function* scanLargeFile(
  file: string,
  parser: NixParser,
  buffer: Buffer,
  part?: LargeFilePart & { size: number },
): Generator<Buffer, FileFacts, number> {
  const attrs: Attr[] = [];
  const errors: Span[] = [];
  const decoder = new StringDecoder('utf8');
  // Lexer state, carried across chunks.
  const modes: { lex: Lex; depth: number }[] = [{ lex: Lex.Code, depth: 0 }];
  let depth = 0;
  let setDepth = -1; // depth inside the main set, once found
  let line = 0;
  let col = 0;
  let pending = ''; // lookahead after `{` to decide whether it opens an attribute set
  let pendingAt: [number, number] | undefined;
  let batch = '';
  let batchAt: [number, number] = [0, 0];
  let binding = '';
  let skipping = false;
  let prev = '';
  let first = true;
  // Characters read, and where the batch being gathered starts: which part parses it.
  let offset = 0;
  let batchOffset = 0;
  const mine = () => !part || Math.min(part.of - 1, Math.floor((batchOffset * part.of) / Math.max(1, part.size))) === part.index;

  const flushBatch = () => {
    if (batch.trim().length === 0 || !mine()) {
      batch = '';
      return;
    }
    // `{` + bindings + `}`: the first line shifts by one column, later lines keep theirs.
    const tree = parser.parse(`{${batch}\n}`);
    try {
      const facts = extractFacts(file, tree);
      const shift = (s: Span): Span => [
        s[0] + batchAt[0],
        s[0] === 0 ? s[1] - 1 + batchAt[1] : s[1],
        s[2] + batchAt[0],
        s[2] === 0 ? s[3] - 1 + batchAt[1] : s[3],
      ];
      if (facts.value.k === 'set') for (const attr of facts.value.attrs) attrs.push(shiftAttr(attr, shift));
      for (const e of facts.errors) if (errors.length < MAX_ERRORS) errors.push(shift(e));
    } finally {
      tree.delete();
    }
    batch = '';
  };

  for (;;) {
    const bytesRead = yield buffer;
    const text = bytesRead > 0 ? decoder.write(buffer.subarray(0, bytesRead)) : decoder.end();
    if (first && text.charCodeAt(0) === 0xfeff) {
      col = -1;
    }
    first = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const mode = modes[modes.length - 1]!;
      if (setDepth >= 0 && depth >= setDepth) {
        if (binding.length === 0 && batch.length === 0) {
          batchAt = [line, col];
          batchOffset = offset;
        }
        if (!skipping) binding += c;
        if (binding.length > MAX_BINDING_CHARS) {
          skipping = true;
          binding = '';
        }
      }
      if (pendingAt) pending += c;
      // Lexing.
      switch (mode.lex) {
        case Lex.LineComment:
          if (c === '\n') modes.pop();
          break;
        case Lex.BlockComment:
          if (prev === '*' && c === '/') {
            modes.pop();
            prev = '';
            advance(c);
            continue;
          }
          break;
        case Lex.String:
          if (prev === '\\') {
            prev = '';
            advance(c);
            continue;
          }
          if (c === '"') modes.pop();
          else if (prev === '$' && c === '{') modes.push({ lex: Lex.Code, depth: 0 });
          break;
        case Lex.Indented:
          if (prev === "'" && c === "'") {
            prev = "''";
            advance(c);
            continue;
          }
          if (prev === "''") {
            if (c === '$' || c === "'" || c === '\\') {
              prev = c === '\\' ? '\\\\' : '';
              advance(c);
              continue;
            }
            modes.pop(); // the string closed; c is code
            prev = '';
            i--; // re-read c as code
            if (setDepth >= 0 && depth >= setDepth && !skipping) binding = binding.slice(0, -1);
            if (pendingAt) pending = pending.slice(0, -1);
            continue;
          }
          if (prev === '\\\\') {
            prev = '';
            advance(c);
            continue;
          }
          if (prev === '$' && c === '{') modes.push({ lex: Lex.Code, depth: 0 });
          break;
        case Lex.Code:
          if (c === '#') modes.push({ lex: Lex.LineComment, depth: 0 });
          else if (prev === '/' && c === '*') modes.push({ lex: Lex.BlockComment, depth: 0 });
          else if (c === '"') modes.push({ lex: Lex.String, depth: 0 });
          else if (prev === "'" && c === "'") {
            modes.push({ lex: Lex.Indented, depth: 0 });
            prev = '';
            advance(c);
            continue;
          } else if (c === '{' || c === '[' || c === '(') {
            if (modes.length > 1) mode.depth++;
            depth++;
            if (c === '{' && setDepth < 0 && !pendingAt) {
              pendingAt = [line, col + 1];
              pending = '';
            }
          } else if (c === '}' || c === ']' || c === ')') {
            if (modes.length > 1 && mode.depth === 0 && c === '}') {
              modes.pop();
              break;
            }
            if (modes.length > 1) mode.depth--;
            depth--;
            if (setDepth >= 0 && depth < setDepth) {
              // The main set closed: the rest of the file is not bindings.
              if (!skipping && binding.trim()) batch += binding.slice(0, -1);
              binding = '';
              setDepth = -2;
            }
          } else if (c === ';' && setDepth >= 0 && depth === setDepth && modes.length === 1) {
            if (!skipping) batch += binding;
            binding = '';
            skipping = false;
            if (batch.length >= BATCH_CHARS) flushBatch();
          }
          break;
      }
      // Decide whether the pending `{` opens an attribute set: its first token is a binding.
      if (pendingAt && /\S/.test(c) && modes[modes.length - 1]!.lex === Lex.Code) {
        const kind = classifyAfterBrace(pending);
        if (kind === 'set') {
          setDepth = depth;
          batchAt = pendingAt;
          binding = pending;
        }
        if (kind !== 'undecided') {
          pendingAt = undefined;
          pending = '';
        }
      }
      prev = c;
      advance(c);
    }
    if (bytesRead === 0) break;
  }
  if (!skipping && binding.trim() && setDepth >= 0) batch += binding;
  flushBatch();
  return { path: file, errors, value: { k: 'set', span: [0, 0, line, col], attrs }, large: true };

  function advance(c: string): void {
    offset++;
    if (c === '\n') {
      line++;
      col = 0;
    } else col++;
  }
}

/** After a `{`: an attribute set starts with a binding (`name =`, `a.b =`, `inherit`, `"x" =`); formals do not. */
function classifyAfterBrace(text: string): 'set' | 'formals' | 'undecided' {
  const trimmed = text.replace(/^(\s|#[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  if (trimmed.length < 2) return 'undecided';
  if (/^inherit\b/.test(trimmed)) return 'set';
  const m = /^("[^"]*"|[A-Za-z_][\w'-]*)\s*([=.,?}:@])/.exec(trimmed);
  if (!m) return /^("[^"]*"|[A-Za-z_][\w'-]*)\s*$/.test(trimmed) ? 'undecided' : 'formals';
  return m[2] === '=' || m[2] === '.' ? 'set' : 'formals';
}

function shiftAttr(attr: Attr, shift: (s: Span) => Span): Attr {
  return { ...attr, span: shift(attr.span), val: shiftVal(attr.val, shift) };
}

function shiftVal(val: Val, shift: (s: Span) => Span): Val {
  const span = shift(val.span);
  switch (val.k) {
    case 'set':
      return { ...val, span, attrs: val.attrs.map((a) => shiftAttr(a, shift)) };
    case 'call':
      return { ...val, span, args: val.args.map((a) => shiftAttr(a, shift)) };
    case 'sel':
      return { ...val, span, of: shiftVal(val.of, shift) };
    case 'inline':
      return {
        ...val,
        span,
        drv: { ...val.drv, span: shift(val.drv.span), maintainers: val.drv.maintainers.map((m) => ({ ...m, span: shift(m.span) })) },
      };
    default:
      return { ...val, span };
  }
}
