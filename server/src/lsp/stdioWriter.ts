// The writer of the server's messages over stdio (`--stdio`: other editors, the benchmark's
// plain client, `nix-domains lsp --stdio`). The LSP library's own stream writer puts every
// message behind a semaphore that starts each write from `setImmediate`, one turn of the event
// loop after the answer is ready: background work that yields with a timer (the warm-up after
// indexing, a few milliseconds at a time) runs first in that turn. Measured on the generated core, a hover
// during the warm-up took 11–17 ms at the median that way, 5.6–9.7 ms written at once (README.md,
// Decisions). Over VS Code's IPC the library's writer already sends at once.
import { Socket } from 'node:net';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/** A response whose result is an array of at least this many items is framed in slices. */
const CHUNKED_FROM = 1_000;
/** Items encoded at a time: some 100 KB of JSON for locations, below V8's large-object size. */
const SLICE_ITEMS = 500;
/** Room before a long answer's body for its header, `Content-Length: <up to 10 digits>` and CRLF CRLF. */
const HEADER_ROOM = 32;
/** The smallest buffer kept for long answers. */
const MIN_POOL_BYTES = 1 << 20;
/** The buffer for long answers is let go this long after its last use. */
const POOL_KEPT_MS = 2_000;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;

/**
 * An array answer whose items are made as they are written: an LSP location per place of a
 * references answer, a slice at a time (`ImmediateStreamWriter`), so that tens of thousands of
 * them are not all alive at once, long enough to be moved to V8's old generation. A slice is its
 * items' JSON joined: given (`json`), so that no item is made at all, or each item made and encoded. Written by any
 * other writer (VS Code's IPC) it is the array of them all (`toJSON`); so it is in the library's
 * verbose trace of a response (`$/setTrace`), which then makes every item twice.
 */
class MadeAsWritten<T, U> {
  private readonly json: (item: T) => string;

  constructor(
    private readonly items: readonly T[],
    private readonly make: (item: T) => U,
    json?: (item: T) => string,
  ) {
    // As in an array, an item with no JSON (undefined) is `null`.
    this.json = json ?? ((item) => JSON.stringify(make(item)) ?? 'null');
  }

  get length(): number {
    return this.items.length;
  }

  /** The JSON of the items from `from` to before `to`, as an array: what `JSON.stringify` gives of them made. */
  jsonOf(from: number, to: number): string {
    const end = Math.min(to, this.items.length);
    let text = '[';
    for (let i = from; i < end; i++) text += (i === from ? '' : ',') + this.json(this.items[i]!);
    return `${text}]`;
  }

  toJSON(): U[] {
    return this.items.map((item) => this.make(item));
  }
}

/**
 * What a request handler returns for a list that may be long: the items made from `items` as the
 * answer is written, when there are enough of them for it to matter, else the array. `json`, when
 * given, is an item's JSON written directly, the very text `JSON.stringify` gives of `make(item)`:
 * a long answer over stdio is then written without making its items. Only to be returned from a
 * handler: the result stands for the array in the answer, and is no array itself. An item that
 * fails to be made fails the write: the writer logs it, and the library answers the request with
 * an error.
 */
export function madeAsWritten<T, U>(items: readonly T[], make: (item: T) => U, json?: (item: T) => string): U[] {
  if (items.length < CHUNKED_FROM) return items.map(make);
  return new MadeAsWritten(items, make, json) as unknown as U[];
}

/** One message framed as the LSP library frames it: JSON in UTF-8, its length in bytes in the header. */
function frameOf(message: Message): Buffer {
  const json = JSON.stringify(message);
  const length = Buffer.byteLength(json, 'utf8');
  const header = `Content-Length: ${length}\r\n\r\n`;
  const frame = Buffer.allocUnsafe(header.length + length);
  frame.write(header, 0, 'ascii');
  frame.write(json, header.length, 'utf8');
  return frame;
}

/** Writes each message to the stream as soon as it is given: a `Content-Length` header, then the JSON. */
export class ImmediateStreamWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;
  /** The buffer long answers are framed in (`frameInChunks`), while it is kept. */
  private pool: Buffer | undefined;
  /** Whether a write still holds the kept buffer (the stream took it but has not written it all). */
  private poolWriting = false;
  /** Lets the kept buffer go `POOL_KEPT_MS` after its last use; restarted by each use. */
  private poolTimer: NodeJS.Timeout | undefined;

  /**
   * Whether a buffer may be written again once the stream's write callback has run: true of a
   * socket or pipe (stdout), which has handed the bytes to the system by then; a stream in memory
   * may still hold the chunk itself, so each long answer gets a buffer of its own there.
   */
  private readonly reuse: boolean;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    this.reuse = stream instanceof Socket;
    stream.on('error', (err: Error) => this.fireError(err));
    stream.on('close', () => this.fireClose());
  }

  /**
   * Writes the message now, header and body in one buffer; the promise settles once the stream has
   * taken it (rejected, and the error reported with the message, when it could not: a closed pipe).
   */
  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      const result = (message as { result?: unknown }).result;
      frame =
        (Array.isArray(result) || result instanceof MadeAsWritten) && result.length >= CHUNKED_FROM
          ? this.frameInChunks(message, result)
          : frameOf(message);
    } catch (err) {
      // The library answers the request with an error when its write is rejected.
      return Promise.reject(this.failed(err, message));
    }
    const pooled = this.pool && frame.buffer === this.pool.buffer ? this.pool : undefined;
    if (pooled) this.poolWriting = true;
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (err?: Error | null) => {
        if (pooled && pooled === this.pool) this.poolWriting = false;
        if (err) reject(this.failed(err, message));
        else {
          this.errors = 0;
          resolve();
        }
      });
    });
  }

  /**
   * A response whose result is a long array (references on `stdenv`: 34,577 locations, 6 MB of
   * JSON), framed without making its JSON one string: the items are encoded a slice at a time
   * into a buffer kept for such answers. One string of the whole answer, and a buffer of the same
   * size beside it, were made in V8's old generation and as external memory for every such
   * answer, and each brought a full garbage collection closer (docs/performance.md); a slice's
   * JSON is short-lived and dies young. The bytes are those `JSON.stringify` gives, but for the
   * order of the message's keys (`result` last).
   */
  private frameInChunks(message: Message, result: unknown[] | MadeAsWritten<unknown, unknown>): Buffer {
    const { result: _result, ...rest } = message as Message & { result: unknown };
    const head = JSON.stringify(rest);
    const opening = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"result":`;
    // The body starts after room for the longest header; the header is written just before it.
    let buffer = this.poolFor(HEADER_ROOM + opening.length * 3 + 2);
    let end = HEADER_ROOM + buffer.write(opening, HEADER_ROOM, 'utf8');
    for (let from = 0; from < result.length; from += SLICE_ITEMS) {
      // `[a,b]`, written over the previous slice's closing bracket, which becomes a comma.
      const to = from + SLICE_ITEMS;
      const json = result instanceof MadeAsWritten ? result.jsonOf(from, to) : JSON.stringify(result.slice(from, to));
      const at = from === 0 ? end : end - 1;
      if (buffer.length - at < json.length * 3 + 1) buffer = this.grown(buffer, end, at + json.length * 3 + 1);
      end = at + buffer.write(json, at, 'utf8');
      if (from > 0) buffer[at] = COMMA;
    }
    buffer[end++] = CLOSE_BRACE;
    const header = `Content-Length: ${end - HEADER_ROOM}\r\n\r\n`;
    buffer.write(header, HEADER_ROOM - header.length, 'ascii');
    return buffer.subarray(HEADER_ROOM - header.length, end);
  }

  /**
   * The buffer for a long answer: the one kept, when no write still holds it and it is large enough,
   * else a new one, kept in its place. It is let go a while after its last use, so a burst of large
   * answers reuses one buffer and a quiet server holds none.
   */
  private poolFor(size: number): Buffer {
    if (!this.reuse) return Buffer.allocUnsafeSlow(Math.max(size, MIN_POOL_BYTES));
    if (this.pool && !this.poolWriting && this.pool.length >= size) return this.keep(this.pool);
    return this.keep(Buffer.allocUnsafeSlow(Math.max(size, MIN_POOL_BYTES)));
  }

  /** A buffer twice as large (or enough) with the first `length` bytes of `buffer`. */
  private grown(buffer: Buffer, length: number, needed: number): Buffer {
    const larger = Buffer.allocUnsafeSlow(Math.max(needed, buffer.length * 2));
    buffer.copy(larger, 0, 0, length);
    return this.reuse ? this.keep(larger) : larger;
  }

  private keep(buffer: Buffer): Buffer {
    if (buffer !== this.pool) {
      this.pool = buffer;
      this.poolWriting = false;
    }
    this.poolTimer ??= setTimeout(() => this.letGo(), POOL_KEPT_MS).unref();
    this.poolTimer.refresh();
    return buffer;
  }

  /** Lets the kept buffer go, unless a write still holds it (a client slow to read): then a while later. */
  private letGo(): void {
    if (this.poolWriting) {
      this.poolTimer?.refresh();
      return;
    }
    this.pool = undefined;
    this.poolTimer = undefined;
  }

  /** Reports a failed write, and logs it to stderr: nothing in the server listens to the writer's errors. */
  private failed(err: unknown, message: Message): Error {
    const error = err instanceof Error ? err : new Error(String(err));
    const what = 'id' in message ? `the answer to request ${String(message.id)}` : 'a message';
    console.error(`${what} could not be written: ${error.stack ?? error.message}`);
    this.fireError(error, message, ++this.errors);
    return error;
  }

  end(): void {
    this.stream.end();
  }
}
