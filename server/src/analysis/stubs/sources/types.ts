/** Bytes read from a source, and what the transfer cost. */
export interface Fetched {
  bytes: Buffer;
  /** Where they came from (a URL, a path, a git remote and ref), for the log. */
  from: string;
  /** Bytes moved to get them (compressed size over HTTP); 0 for local reads. */
  transferred: number;
  /** The validator to send next time (HTTP ETag). */
  etag?: string;
}

/** The answer to a conditional read whose data has not changed (HTTP 304). */
export interface NotModified {
  notModified: true;
  from: string;
  transferred: number;
}

export interface ReadOptions {
  /** Refuse anything larger (before and after decompression). */
  maxBytes?: number;
  /** Ask only for a change: a matching ETag gives NotModified. */
  etag?: string;
}

/** A source refused to give data it was asked for, or gave data that cannot be used; the message says why. */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
  }
}

/**
 * A tree of stub files as `stub --out` writes it (index.json, `<domain>/<revision>/…`):
 * a folder, an HTTP(S) base URL or a git ref. Paths are relative to the top of the tree.
 */
export interface StubTreeSource {
  readonly description: string;
  read(relative: string, options?: ReadOptions): Promise<Fetched | NotModified>;
}

/** One file of a domain at one revision, for showing it read-only; optionally a byte range of it. */
export interface DomainFileSource {
  readonly description: string;
  read(revision: string | undefined, file: string, options?: ReadOptions & { range?: [number, number] }): Promise<Fetched>;
}

/** Default size limit of one stub file (root, shard or part). */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Whether a read answered "not modified". */
export function isNotModified(result: Fetched | NotModified): result is NotModified {
  return (result as NotModified).notModified === true;
}
