// The on-disk index cache: every file's facts, keyed by the git blob id of the content they were
// extracted from; one file per domain root under the platform cache folder, never in a workspace.
//
// Layout: one JSON header line (what the cache is valid for, the sizes of its parts and a sha1 of
// them), then a table and a body in MessagePack (msgpackr). The table lists each file with its blob
// id and where its facts lie in the body; the body holds each file's facts packed on its own, with
// record structures shared by all of them (stored in the table). So one file's facts are decoded
// without the others: a start reads the table, decodes the files a first request needs, and the
// rest in the background. The sha1 is checked before anything is trusted: a damaged cache is
// ignored whole, never trusted in part.
//
// Measured on the generated 40,589-file core (scripts/bench), against the JSON of format 1: a
// 15.9 MB file (12.2 MB of facts) instead of 36.8 MB; decoding every file 369 ms instead of
// JSON.parse's 626 ms (same loaded machine); and no decoding before the first answer but the
// files it needs.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearSource, Packr, Unpackr } from 'msgpackr';
import { FACTS_VERSION, type FileFacts } from '../facts';
import type { ReadFacts } from '../structure';

/** The buffer msgpackr is left to pack into once a cache is written (it grows again when a value needs it). */
export const PACK_BUFFER_BYTES = 8192;

/** The layout of a cache file; bump it when the file's shape changes. */
const CACHE_FORMAT = 2;

/** What a cache is valid for (a cache made under other conditions is ignored), and its parts. */
interface CacheHeader {
  format: number;
  factsVersion: number;
  root: string;
  /** Whether a file was scanned as large depends on the threshold. */
  largeFileThreshold: number;
  count: number;
  tableBytes: number;
  bodyBytes: number;
  /** sha1 of the table and the body. */
  sha1: string;
}

/**
 * Where each file's facts are, in a few flat values (decoding 40,000 small lists would cost more
 * than the files a first request needs): the paths joined by NUL, and per file a 20-byte blob id,
 * offset and length in the body (uint32 each), the structure hash (uint32), and 1 when the facts'
 * `drv` is their value's derivation (written once, shared again on reading).
 */
interface Table {
  /** msgpackr's record structures the body was packed with. */
  structures: unknown[];
  paths: string;
  blobs: Buffer;
  ranges: Buffer;
  hashes: Buffer;
  shared: Buffer;
}

/** A file's facts as written: from the extractor (with their structure hash), or the bytes an earlier cache already holds. */
export type CacheEntry =
  | { path: string; blob: string; facts: FileFacts; structure: number }
  | { path: string; blob: string; from: IndexCache };

/**
 * The folder of the on-disk index caches: `NIX_DOMAINS_CACHE_DIR`, else the platform cache
 * folder. Never inside a workspace: the server must not write there.
 */
export function defaultCacheDir(): string {
  if (process.env.NIX_DOMAINS_CACHE_DIR) return process.env.NIX_DOMAINS_CACHE_DIR;
  const base =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined) ||
    (process.platform === 'darwin' ? path.join(os.homedir(), 'Library', 'Caches') : path.join(os.homedir(), '.cache'));
  return path.join(base ?? path.join(os.homedir(), '.cache'), 'nix-domains', 'index');
}

/** The cache file of one domain root: one file per root, named by a hash of its absolute path. */
export function cacheFileFor(dir: string, root: string): string {
  return path.join(dir, `${createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 32)}.idx`);
}

/** A domain's cache, read whole but decoded file by file. */
export class IndexCache {
  private readonly at = new Map<string, number>();
  private readonly paths: string[];
  private readonly unpackr: Unpackr;

  private constructor(
    private readonly table: Table,
    private readonly body: Buffer,
  ) {
    this.paths = table.paths === '' ? [] : table.paths.split('\0');
    this.paths.forEach((file, i) => {
      this.at.set(file, i);
    });
    // A copy: decoding a file packed with a structure of its own (past the shared ones) adds that
    // structure to the array it is given, and a cache written from this one must start from the
    // shared structures alone (msgpackr refuses more than it shares).
    this.unpackr = new Unpackr({ structures: [...table.structures] as never[] });
  }

  /**
   * Opens a domain's cache. A missing file is no cache; a corrupt, truncated or foreign one (other
   * format, extractor version, root or threshold) is reported through `log` and ignored.
   */
  static async open(
    file: string,
    root: string,
    largeFileThreshold: number,
    log: (message: string) => void,
  ): Promise<IndexCache | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`index cache ${file} unreadable, rebuilding: ${String(err)}`);
      return undefined;
    }
    try {
      const newline = bytes.indexOf(0x0a);
      if (newline < 0) throw new Error('no header');
      const header = JSON.parse(bytes.toString('utf8', 0, newline)) as Partial<CacheHeader>;
      const expected: Pick<CacheHeader, 'format' | 'factsVersion' | 'root' | 'largeFileThreshold'> = {
        format: CACHE_FORMAT,
        factsVersion: FACTS_VERSION,
        root,
        largeFileThreshold,
      };
      for (const [key, value] of Object.entries(expected)) {
        const found = header[key as keyof CacheHeader];
        if (found !== value) throw new Error(`${key} is ${JSON.stringify(found)}, expected ${JSON.stringify(value)}`);
      }
      const rest = bytes.subarray(newline + 1);
      if (rest.length !== (header.tableBytes ?? -1) + (header.bodyBytes ?? -1))
        throw new Error('its size differs from the header (truncated?)');
      if (createHash('sha1').update(rest).digest('hex') !== header.sha1) throw new Error('its checksum differs (damaged)');
      const table = new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(rest.subarray(0, header.tableBytes)) as Partial<Table>;
      if (!isTable(table, header.count ?? -1, header.bodyBytes!)) throw new Error('malformed table');
      return new IndexCache(table, rest.subarray(header.tableBytes));
    } catch (err) {
      log(`index cache ${file} ignored, rebuilding: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  get size(): number {
    return this.paths.length;
  }

  /** The files the cache holds facts of. */
  files(): readonly string[] {
    return this.paths;
  }

  /** The blob id a file's cached facts were extracted from. */
  blobOf(file: string): string | undefined {
    const i = this.at.get(file);
    return i === undefined ? undefined : this.table.blobs.toString('hex', 20 * i, 20 * i + 20);
  }

  /** Decodes one file's facts (a new object each time) with their structure hash; throws when the entry is malformed. */
  read(file: string): ReadFacts {
    const i = this.at.get(file);
    if (i === undefined) throw new Error(`${file} is not in the cache`);
    let facts: Partial<FileFacts> | null;
    try {
      facts = this.unpackr.unpack(this.bytes(i)) as Partial<FileFacts> | null;
    } catch (err) {
      throw new Error(`the cached facts of ${file} do not decode (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!isFacts(facts, file)) throw new Error(`the cached facts of ${file} are malformed`);
    if (this.table.shared[i] === 1) {
      if (facts.value.k !== 'inline') throw new Error(`the cached facts of ${file} share a derivation they do not have`);
      facts.drv = facts.value.drv;
    }
    return { facts, structure: this.table.hashes.readUInt32LE(4 * i) };
  }

  private bytes(i: number): Buffer {
    const offset = this.table.ranges.readUInt32LE(8 * i);
    return this.body.subarray(offset, offset + this.table.ranges.readUInt32LE(8 * i + 4));
  }

  /** The packed bytes of a file with what else the table says of it, for a new cache that keeps them. */
  raw(file: string): { bytes: Buffer; structure: number; shared: number } {
    const i = this.at.get(file);
    if (i === undefined) throw new Error(`${file} is not in the cache`);
    return { bytes: this.bytes(i), structure: this.table.hashes.readUInt32LE(4 * i), shared: this.table.shared[i]! };
  }

  /**
   * Lets go of the file's bytes once nothing more is decoded from it: msgpackr keeps the last
   * buffer it decoded from (a view of the whole file, 16 MB on the generated core), in a
   * DataView that `clearSource` leaves; decoding one byte puts that view on a byte instead.
   */
  static release(): void {
    new Unpackr().unpack(Buffer.from([0xc0]));
    clearSource();
  }

  /** The record structures the body was packed with: a new cache starts from them, so kept bytes stay valid. */
  structures(): unknown[] {
    return this.table.structures;
  }
}

function isTable(table: Partial<Table> | null, count: number, bodyBytes: number): table is Table {
  if (!table || !Array.isArray(table.structures) || typeof table.paths !== 'string') return false;
  if ((table.paths === '' ? 0 : table.paths.split('\0').length) !== count) return false;
  const sized = (b: unknown, bytes: number) => Buffer.isBuffer(b) && b.length === bytes * count;
  if (!sized(table.blobs, 20) || !sized(table.ranges, 8) || !sized(table.hashes, 4) || !sized(table.shared, 1)) return false;
  for (let i = 0; i < count; i++) {
    if (table.ranges!.readUInt32LE(8 * i) + table.ranges!.readUInt32LE(8 * i + 4) > bodyBytes) return false;
  }
  return true;
}

function isFacts(facts: Partial<FileFacts> | null, file: string): facts is FileFacts {
  return (
    typeof facts === 'object' &&
    facts !== null &&
    facts.path === file &&
    Array.isArray(facts.errors) &&
    typeof facts.value === 'object' &&
    facts.value !== null
  );
}

/** Chunks of the body are this large before a new one starts (the cache is never one buffer while it is built). */
const CHUNK_BYTES = 1 << 20;

/**
 * How long the write packs entries between two yields to the event loop. A megabyte of new entries
 * took about 45 ms to pack on a slow host; the server writes the cache just after it says the
 * domain is indexed, when the user's requests come.
 */
const WRITE_SLICE_MS = 8;

/**
 * Writes a domain's cache atomically (a temporary file renamed over the old one). Entries taken
 * from `base` keep their bytes; the others are packed with `base`'s structures plus new ones.
 * Yields to the event loop every `WRITE_SLICE_MS`, so a server keeps answering while it writes.
 */
export async function writeIndexCache(
  file: string,
  root: string,
  largeFileThreshold: number,
  entries: readonly CacheEntry[],
  base?: IndexCache,
): Promise<void> {
  const structures = [...(base?.structures() ?? [])];
  const packr = new Packr({ structures: structures as never[] });
  const count = entries.length;
  const blobs = Buffer.alloc(20 * count);
  const ranges = Buffer.alloc(8 * count);
  const hashes = Buffer.alloc(4 * count);
  const shared = Buffer.alloc(count);
  const chunks: Buffer[] = [];
  let chunk: Buffer[] = [];
  let chunkBytes = 0;
  let offset = 0;
  let sliceEnd = performance.now() + WRITE_SLICE_MS;
  for (let i = 0; i < count; i++) {
    const entry = entries[i]!;
    let bytes: Buffer;
    if ('from' in entry) {
      const kept = entry.from.raw(entry.path);
      bytes = kept.bytes;
      hashes.writeUInt32LE(kept.structure, 4 * i);
      shared[i] = kept.shared;
    } else {
      const { facts } = entry;
      shared[i] = facts.drv !== undefined && facts.value.k === 'inline' && facts.drv === facts.value.drv ? 1 : 0;
      // pack() returns a view of msgpackr's own buffer, reused by the next call: copy it.
      bytes = Buffer.from(packr.pack(shared[i] ? withoutDrv(facts) : facts));
      hashes.writeUInt32LE(entry.structure, 4 * i);
    }
    if (blobs.write(entry.blob, 20 * i, 20, 'hex') !== 20) throw new Error(`${entry.path}: ${entry.blob} is no blob id`);
    ranges.writeUInt32LE(offset, 8 * i);
    ranges.writeUInt32LE(bytes.length, 8 * i + 4);
    offset += bytes.length;
    chunk.push(bytes);
    chunkBytes += bytes.length;
    if (chunkBytes >= CHUNK_BYTES) {
      chunks.push(Buffer.concat(chunk));
      chunk = [];
      chunkBytes = 0;
    }
    if ((i & 15) === 15 && performance.now() >= sliceEnd) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEnd = performance.now() + WRITE_SLICE_MS;
    }
  }
  chunks.push(Buffer.concat(chunk));
  const table: Table = { structures, paths: entries.map((e) => e.path).join('\0'), blobs, ranges, hashes, shared };
  const tablePackr = new Packr({ useRecords: false });
  const tableBytes = Buffer.from(tablePackr.pack(table));
  // msgpackr packs into one buffer it keeps for the next pack, sized four times the largest value
  // so far: after the table (5 MB on the generated core), 20 MB held for as long as the process runs.
  tablePackr.useBuffer(Buffer.allocUnsafeSlow(PACK_BUFFER_BYTES));
  const hash = createHash('sha1').update(tableBytes);
  for (const c of chunks) hash.update(c);
  const header: CacheHeader = {
    format: CACHE_FORMAT,
    factsVersion: FACTS_VERSION,
    root,
    largeFileThreshold,
    count,
    tableBytes: tableBytes.length,
    bodyBytes: offset,
    sha1: hash.digest('hex'),
  };
  await fs.mkdir(path.dirname(file), { recursive: true });
  // Unique per writer, so concurrent writers never interleave; a crash leaves only a stray temp file.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writev([Buffer.from(`${JSON.stringify(header)}\n`), tableBytes]);
    for (const c of chunks) await handle.write(c);
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await fs.rename(temp, file);
  // The JSON cache of format 1 was named alike with .json: it is of no use any more.
  await fs.rm(file.replace(/\.idx$/, '.json'), { force: true });
}

function withoutDrv(facts: FileFacts): FileFacts {
  const { drv: _drv, ...rest } = facts;
  return rest;
}
