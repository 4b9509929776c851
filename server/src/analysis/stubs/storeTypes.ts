// What the stub store's users and its methods share: its options, what a fetch records, what a
// search finds, a loaded domain, and the error for a stub no source can give.
import type { Analyzer } from '../analyzer';
import type { ProblemSink } from '../problems';
import type { StubCache } from './cache';
import type { BuiltStub } from './encode';
import type { StubRoot } from './format';
import type { DomainsManifest } from './manifestDomains';
import type { GitOptions } from './sources/git';
import type { HttpOptions } from './sources/http';
import type { StubTreeSource } from './sources/types';

export interface StubStoreOptions {
  /** The open domain's root: relative paths in `domains` and its flake.lock are read from here. */
  workspaceRoot: string;
  domains: DomainsManifest;
  /** The revision to resolve a domain against; default: its `rev`, else its locked flake input. */
  revisionOf?: (domain: string) => Promise<string | undefined>;
  cache?: StubCache | string;
  /** Every fetch and decision, for the log. */
  log?: (message: string) => void;
  /** What the user should know once: a stub or file refused or unavailable (also logged). */
  problem?: ProblemSink;
  http?: HttpOptions;
  git?: GitOptions;
  /** Limit of any one stub file or domain file. */
  maxBytes?: number;
  /** Indexes a local checkout (default: a new Analyzer over it). */
  openCheckout?: (root: string, domain: string) => Promise<Analyzer>;
  /** A domain that failed to load is not tried again for this long, unless refreshed. */
  retryAfterMs?: number;
}

/** One fetch (or read of a local checkout), for the counters. */
export interface FetchRecord {
  domain: string;
  what: string;
  bytes: number;
  from: string;
}

/** A package found by search, with the domain and revision it comes from. */
export interface StubSymbol {
  domain: string;
  revision: string;
  name: string;
  kind: 'package' | 'function';
  file: string;
  pos: [number, number];
}

/** A domain's stub as loaded: its root, where the rest comes from, the parts fetched so far. */
export interface Loaded {
  root: StubRoot;
  revision: string;
  /** Present for a stub generated in memory from a local checkout. */
  built?: BuiltStub;
  source?: StubTreeSource;
  parts: Map<string, Promise<unknown>>;
}

/** Thrown when a domain's stub cannot be had from any source; the message lists why for each. */
export class StubUnavailableError extends Error {}

/** "3.1 KB" style sizes for log lines. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
