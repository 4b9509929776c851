import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FACTS_VERSION, type FileFacts } from '../facts';

/** The layout of a cache file; bump it when the file's shape changes. */
export const CACHE_FORMAT = 1;

/** What a cache is valid for: a cache made under other conditions is ignored. */
interface CacheHeader {
  format: number;
  factsVersion: number;
  root: string;
  /** Whether a file was scanned as large depends on the threshold. */
  largeFileThreshold: number;
  count: number;
}

/**
 * One file in the cache: path, blob id, facts, and 1 when the facts' `drv` is their value's
 * derivation (written once, shared again on reading).
 */
type Entry = [string, string, FileFacts] | [string, string, FileFacts, 1];

/** A file's facts as cached, with the blob id of the content they were extracted from. */
export interface CachedFacts { blob: string; facts: FileFacts }

/**
 * The folder of the on-disk index caches: `NIX_DOMAINS_CACHE_DIR`, else the platform cache
 * folder. Never inside a workspace: the server must not write there.
 */
export function defaultCacheDir(): string {
  if (process.env.NIX_DOMAINS_CACHE_DIR) return process.env.NIX_DOMAINS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME
    || (process.platform === 'win32' ? process.env.LOCALAPPDATA : undefined)
    || (process.platform === 'darwin' ? path.join(os.homedir(), 'Library', 'Caches') : path.join(os.homedir(), '.cache'));
  return path.join(base ?? path.join(os.homedir(), '.cache'), 'nix-domains', 'index');
}

/** The cache file of one domain root: one file per root, named by a hash of its absolute path. */
export function cacheFileFor(dir: string, root: string): string {
  return path.join(dir, `${createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 32)}.json`);
}

/**
 * Reads a domain's cache. A missing file is an empty cache; a corrupt, truncated or foreign one
 * (other format, extractor version, root or threshold) is reported through `log` and ignored,
 * never trusted in part.
 */
export async function readIndexCache(file: string, root: string, largeFileThreshold: number, log: (message: string) => void): Promise<Map<string, CachedFacts>> {
  const empty = new Map<string, CachedFacts>();
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log(`index cache ${file} unreadable, rebuilding: ${String(err)}`);
    return empty;
  }
  try {
    const newline = text.indexOf('\n');
    if (newline < 0) throw new Error('no header');
    const header = JSON.parse(text.slice(0, newline)) as Partial<CacheHeader>;
    const expected: Omit<CacheHeader, 'count'> = { format: CACHE_FORMAT, factsVersion: FACTS_VERSION, root, largeFileThreshold };
    for (const [key, value] of Object.entries(expected)) {
      if (header[key as keyof CacheHeader] !== value) throw new Error(`${key} is ${JSON.stringify(header[key as keyof CacheHeader])}, expected ${JSON.stringify(value)}`);
    }
    // A truncated body fails to parse; the count catches a body cut at an entry boundary.
    const entries = JSON.parse(text.slice(newline + 1)) as unknown;
    if (!Array.isArray(entries) || entries.length !== header.count) throw new Error('entry count differs from the header');
    const cached = new Map<string, CachedFacts>();
    for (const entry of entries as unknown[]) {
      if (!isEntry(entry)) throw new Error('malformed entry');
      const facts = entry[2];
      if (entry[3] === 1) {
        if (facts.value.k !== 'inline') throw new Error('shared derivation without one');
        facts.drv = facts.value.drv;
      }
      cached.set(entry[0], { blob: entry[1], facts });
    }
    return cached;
  } catch (err) {
    log(`index cache ${file} ignored, rebuilding: ${err instanceof Error ? err.message : String(err)}`);
    return empty;
  }
}

function isEntry(entry: unknown): entry is Entry {
  if (!Array.isArray(entry) || entry.length < 3 || entry.length > 4) return false;
  const [file, blob, facts, shared] = entry as [unknown, unknown, Partial<FileFacts> | null, unknown];
  return typeof file === 'string' && typeof blob === 'string' && typeof facts === 'object' && facts !== null
    && (shared === undefined || shared === 1)
    && facts.path === file && Array.isArray(facts.errors) && typeof facts.value === 'object' && facts.value !== null;
}

/** Writes a domain's cache atomically: a temporary file renamed over the old one. */
export async function writeIndexCache(file: string, root: string, largeFileThreshold: number, entries: [string, CachedFacts][]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const header: CacheHeader = { format: CACHE_FORMAT, factsVersion: FACTS_VERSION, root, largeFileThreshold, count: entries.length };
  // Unique per writer, so concurrent writers never interleave; a crash leaves only a stray temp file.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    // Written in chunks so the whole cache never exists as one string.
    let chunk = `${JSON.stringify(header)}\n[`;
    for (let i = 0; i < entries.length; i++) {
      const [path, { blob, facts }] = entries[i]!;
      const entry: Entry = facts.drv !== undefined && facts.value.k === 'inline' && facts.drv === facts.value.drv
        ? [path, blob, { ...facts, drv: undefined }, 1]
        : [path, blob, facts];
      chunk += `${i === 0 ? '' : ','}${JSON.stringify(entry)}`;
      if (chunk.length > 1 << 20) { await handle.write(chunk); chunk = ''; }
    }
    await handle.write(`${chunk}]`);
  } catch (err) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  await fs.rename(temp, file);
}
