// The disk cache of stubs and fetched files. Roots are keyed by (domain, revision); shards and
// parts by (domain, content hash), so a new revision reuses every shard that did not change.
// Every entry is verified on read against the hash it was stored under; a bad one is deleted
// and reported, never returned. Writes are atomic (temp file + rename).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from './atomic';
import { isDomainName, isRevision, sha256 } from './format';

/**
 * The platform cache folder: `$NIX_DOMAINS_CACHE`, else `$XDG_CACHE_HOME/nix-domains`, else
 * `~/Library/Caches/nix-domains` (macOS), `%LOCALAPPDATA%\nix-domains\Cache` (Windows),
 * `~/.cache/nix-domains`.
 */
function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.NIX_DOMAINS_CACHE) return path.resolve(env.NIX_DOMAINS_CACHE);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'nix-domains');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'nix-domains');
  if (platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'nix-domains', 'Cache');
  return path.join(os.homedir(), '.cache', 'nix-domains');
}

interface Meta {
  sha256: string;
  etag?: string;
  from?: string;
}

/** A cached entry with the validator it came with. */
export interface CachedBytes {
  bytes: Buffer;
  etag?: string;
  from?: string;
}

const SUBFOLDERS = ['stubs', 'files', 'git', 'indexes'];

export class StubCache {
  /** Told about every entry dropped as corrupt (for the log). */
  onDrop?: (message: string) => void;

  constructor(readonly dir: string = defaultCacheDir()) {}

  private check(domain: string, revision?: string): void {
    if (!isDomainName(domain)) throw new Error(`"${domain}" is not a domain name`);
    if (revision !== undefined && !isRevision(revision)) throw new Error(`"${revision}" is not a revision`);
  }

  private rootFile(domain: string, revision: string): string {
    this.check(domain, revision);
    return path.join(this.dir, 'stubs', domain, 'roots', `${revision}.json`);
  }

  /** The root of (domain, revision), if cached and intact. */
  getRoot(domain: string, revision: string): Promise<CachedBytes | undefined> {
    return this.readVerified(this.rootFile(domain, revision));
  }

  /** Stores a root with the ETag it came with. */
  putRoot(domain: string, revision: string, bytes: Buffer, etag?: string, from?: string): Promise<void> {
    return this.writeWithMeta(this.rootFile(domain, revision), bytes, { sha256: sha256(bytes), etag, from });
  }

  /** Forgets a root (it failed validation after all). */
  async dropRoot(domain: string, revision: string, why: string): Promise<void> {
    await this.drop(this.rootFile(domain, revision), why);
  }

  private partFile(domain: string, hash: string): string {
    this.check(domain);
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`"${hash}" is not a sha256`);
    return path.join(this.dir, 'stubs', domain, 'objects', `${hash}.json`);
  }

  /** A shard or part by its sha256, if cached; its bytes are hashed again before they are returned. */
  async getPart(domain: string, hash: string): Promise<Buffer | undefined> {
    const file = this.partFile(domain, hash);
    const bytes = await fs.readFile(file).catch(() => undefined);
    if (!bytes) return undefined;
    if (sha256(bytes) !== hash) {
      await this.drop(file, `its sha256 is not ${hash.slice(0, 12)}…`);
      return undefined;
    }
    return bytes;
  }

  /** Stores a verified shard or part under its sha256. */
  putPart(domain: string, hash: string, bytes: Buffer): Promise<void> {
    return writeFileAtomic(this.partFile(domain, hash), bytes);
  }

  private fileEntry(domain: string, revision: string, file: string): string {
    this.check(domain, revision);
    return path.join(this.dir, 'files', domain, revision, `${sha256(file).slice(0, 32)}.bin`);
  }

  /** A file of another domain fetched earlier, if cached and intact. */
  async getFile(domain: string, revision: string, file: string): Promise<Buffer | undefined> {
    return (await this.readVerified(this.fileEntry(domain, revision, file)))?.bytes;
  }

  /** Stores a file of another domain at a revision. */
  putFile(domain: string, revision: string, file: string, bytes: Buffer, from?: string): Promise<void> {
    return this.writeWithMeta(this.fileEntry(domain, revision, file), bytes, { sha256: sha256(bytes), from });
  }

  private indexFile(source: string): string {
    return path.join(this.dir, 'indexes', `${sha256(source).slice(0, 32)}.json`);
  }

  /** The index.json of a stub source, if cached. */
  getIndex(source: string): Promise<CachedBytes | undefined> {
    return this.readVerified(this.indexFile(source));
  }

  /** Stores the index.json of a stub source. */
  putIndex(source: string, bytes: Buffer, etag?: string): Promise<void> {
    return this.writeWithMeta(this.indexFile(source), bytes, { sha256: sha256(bytes), etag, from: source });
  }

  /** Deletes everything this cache holds (its own subfolders only). */
  async clear(): Promise<void> {
    for (const sub of SUBFOLDERS) await fs.rm(path.join(this.dir, sub), { recursive: true, force: true });
  }

  /** Total bytes on disk, for a status line. */
  async size(): Promise<number> {
    const walk = async (dir: string): Promise<number> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      let total = 0;
      for (const e of entries) {
        const p = path.join(dir, e.name);
        total += e.isDirectory() ? await walk(p) : (await fs.stat(p).catch(() => ({ size: 0 }))).size;
      }
      return total;
    };
    return walk(this.dir);
  }

  private async writeWithMeta(file: string, bytes: Buffer, meta: Meta): Promise<void> {
    // Data first, then its hash: a crash in between leaves a mismatch, which reads as "not cached".
    await writeFileAtomic(file, bytes);
    await writeFileAtomic(`${file}.meta`, JSON.stringify(meta));
  }

  private async readVerified(file: string): Promise<CachedBytes | undefined> {
    const [bytes, metaBytes] = await Promise.all([
      fs.readFile(file).catch(() => undefined),
      fs.readFile(`${file}.meta`).catch(() => undefined),
    ]);
    if (!bytes && !metaBytes) return undefined;
    let meta: Meta | undefined;
    try {
      meta = metaBytes ? (JSON.parse(metaBytes.toString('utf8')) as Meta) : undefined;
    } catch {
      meta = undefined;
    }
    if (!bytes || !meta || typeof meta.sha256 !== 'string') {
      await this.drop(file, 'it is incomplete');
      return undefined;
    }
    if (sha256(bytes) !== meta.sha256) {
      await this.drop(file, 'its content does not match the hash it was stored with');
      return undefined;
    }
    return {
      bytes,
      ...(typeof meta.etag === 'string' ? { etag: meta.etag } : {}),
      ...(typeof meta.from === 'string' ? { from: meta.from } : {}),
    };
  }

  private async drop(file: string, why: string): Promise<void> {
    await Promise.all([fs.rm(file, { force: true }), fs.rm(`${file}.meta`, { force: true })]);
    this.onDrop?.(`dropped cache entry ${path.relative(this.dir, file)}: ${why}`);
  }
}
