// The stub format: one domain at one revision, as plain canonical JSON files.
//
//   <out>/index.json                               which domains and revisions are present
//   <out>/<domain>/<revision>/root.json            small: shard list, lib, imports summary
//   <out>/<domain>/<revision>/shards/<n>.json      packages (and imports) by name range
//   <out>/<domain>/<revision>/parts/<name>.json    maintainer indexes, the reverse graph
//
// Every file but root.json and index.json is named in the root with its sha256 and size, so a
// reader verifies each one; the root is validated field by field. Nothing holds file contents.
import { createHash } from 'node:crypto';

export const STUB_FORMAT = 'nix-domains/stub';
export const STUB_INDEX_FORMAT = 'nix-domains/stub-index';
/**
 * Bumped on any change a reader of the previous version would misread. Version 2 leaves the
 * revision out of shards and parts (only the root names it), so a shard that did not change
 * is the same bytes at every revision: one blob in git, one entry in the cache.
 */
export const STUB_VERSION = 2;
/** Versions this reader accepts; a root's shards and parts have the root's version. */
export const READABLE_STUB_VERSIONS: readonly StubVersion[] = [1, 2];
export type StubVersion = 1 | 2;
/** The version of index.json, which changes on its own schedule. */
export const STUB_INDEX_VERSION = 1;
export const GENERATOR = 'nix-domains stub 2';

/** A file of the stub named by the root: where it is, and what its bytes must hash to. */
export interface PartRef {
  /** Relative to the revision folder (`shards/op.json`). */
  file: string;
  sha256: string;
  size: number;
}

/**
 * One shard: every package, imported name and alias from `from` (inclusive) up to the next
 * shard's `from` (exclusive), names compared by UTF-16 code unit. The first shard's `from` is "".
 */
export interface ShardRef extends PartRef {
  from: string;
  packages: number;
}

export interface StubLibFunction {
  name: string;
  file: string;
  pos: [number, number];
}

/** A maintainer or team list: its size, entry count, and the part holding handle → byte range. */
interface StubMaintainerList {
  file: string;
  size: number;
  count: number;
  /** A `HandleIndexJson` (maintainers/stub.ts): handle, name, github, byte range, line, column. */
  part: PartRef;
}

/** The root of a stub: small, fetched first, enough to find the one shard a name needs. */
export interface StubRoot {
  format: typeof STUB_FORMAT;
  version: StubVersion;
  domain: string;
  revision: string;
  generator: string;
  packages: number;
  shards: ShardRef[];
  lib: StubLibFunction[];
  maintainers: StubMaintainerList[];
  /**
   * Names this domain takes from other domains (inputs it cannot resolve itself) →
   * [packages taking it directly, packages rebuilt in this domain if it changes].
   */
  imports: Record<string, [number, number]>;
  /** The whole in-domain reverse graph (a `StubReverse`), for closures of several names. */
  reverse: PartRef;
}

/** A package as a stub records it. Optional fields are absent, never null. */
export interface StubPackage {
  /** Attribute path (`python3Packages.numpy`). */
  attr: string;
  /** Domain-relative file that builds it, and the 0-based line and UTF-16 column there. */
  file: string;
  pos: [number, number];
  version?: string;
  description?: string;
  homepage?: string;
  license?: string;
  /** Inputs resolved in this domain, domain-qualified (`core:openssl`). */
  inputs: string[];
  /** Inputs that resolve to nothing here: another domain may provide them. */
  unresolved: string[];
  maintainers: string[];
  /** Attribute paths of this domain's packages that take this one directly (the first 64; see `direct`). */
  dependants: string[];
  /** How many packages take it directly; more than `dependants` lists means the rest are in the reverse part. */
  direct: number;
  /** How many of this domain's packages rebuild when this one changes (transitively). */
  closure: number;
}

export interface StubShard {
  format: typeof STUB_FORMAT;
  version: StubVersion;
  domain: string;
  /** Version 1 only; the root's sha256 of the shard ties it to its revision. */
  revision?: string;
  from: string;
  packages: StubPackage[];
  /** Imported name → attribute paths of the packages here taking it directly (the first 64; the root has the count). */
  imports: Record<string, string[]>;
  /** Another name of a package (`python3`) → its attribute path (which may sit in another shard). */
  aliases: Record<string, string>;
}

/** The in-domain reverse graph by package number (index into `names`). */
export interface StubReverse {
  format: typeof STUB_FORMAT;
  version: StubVersion;
  domain: string;
  /** Version 1 only, as in shards. */
  revision?: string;
  /** Every package's attribute path, sorted. */
  names: string[];
  /** dependants[i]: packages taking names[i] directly. */
  dependants: number[][];
  /** Imported name → packages taking it directly. */
  imports: Record<string, number[]>;
}

/** One revision listed in index.json. */
export interface StubIndexEntry {
  revision: string;
  /** Commit time (seconds); the newest wins when no revision is pinned. 0 when unknown. */
  committed: number;
  root: { sha256: string; size: number };
}

export interface StubIndex {
  format: typeof STUB_INDEX_FORMAT;
  version: typeof STUB_INDEX_VERSION;
  domains: Record<string, StubIndexEntry[]>;
}

/** JSON with object keys sorted at every level and no whitespace: the same data gives the same bytes. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value))}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Hex sha256 of bytes. */
export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Domain names: also folder names in a stub tree and in the cache. */
const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Revisions: a commit id (or another git-safe name), `-dirty` when generated from changed files. */
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whether a domain name is safe to use as a folder name. */
export function isDomainName(name: string): boolean {
  return DOMAIN_NAME.test(name) && !name.includes('..');
}

/** Whether a revision is safe to use as a folder name and a git argument. */
export function isRevision(revision: string): boolean {
  return REVISION.test(revision) && !revision.includes('..');
}

/**
 * Why a domain-relative path from untrusted data is unsafe, or undefined when it is fine:
 * relative, `/`-separated, no `.`/`..`/empty segments, no backslash, drive letter or NUL.
 */
export function domainPathProblem(file: string): string | undefined {
  if (file.length === 0) return 'is empty';
  if (file.length > 1024) return 'is longer than 1024 characters';
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file)) return 'is absolute';
  if (file.includes('\\')) return 'contains a backslash';
  if (file.includes('\0')) return 'contains a NUL character';
  for (const segment of file.split('/')) {
    if (segment === '..') return 'leaves the domain (..)';
    if (segment === '.' || segment === '') return 'has an empty or "." segment';
  }
  return undefined;
}

/** The file name of the i-th shard. */
export function shardFileName(i: number): string {
  return `shards/${String(i).padStart(4, '0')}.json`;
}

/** The shard holding a name: the last one whose `from` is not after it (shards sorted by `from`). */
export function shardFor<T extends { from: string }>(shards: readonly T[], name: string): T | undefined {
  let lo = 0;
  let hi = shards.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (shards[mid]!.from <= name) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : shards[lo - 1];
}

/** The name range [from, until) of the shard at position i; `until` undefined for the last. */
export function shardRange(shards: readonly { from: string }[], i: number): { from: string; until?: string } {
  const next = shards[i + 1];
  return next ? { from: shards[i]!.from, until: next.from } : { from: shards[i]!.from };
}

/** Relative location of a revision folder inside a stub tree. */
export function revisionFolder(domain: string, revision: string): string {
  return `${domain}/${revision}`;
}
