// Listings started ahead of their index run: git walks the worktree while the server opens the
// session and loads the grammar, and the run takes the listing when it is recent.
import path from 'node:path';
import { listDomainFilesInTwo } from './listing';

/** Listings started ahead of their run (`prelistDomain`), by root and whether git may run, with when they started. */
const prelisted = new Map<string, { listing: ReturnType<typeof listDomainFilesInTwo>; until: number }>();
/** A listing started longer ago than this (by default) is not taken: the run lists the domain again. */
const PRELISTED_FOR_MS = 10_000;

/**
 * Starts listing a domain ahead of its first index run: git walks the worktree while the server
 * opens the session and loads the grammar (120 ms of a start that otherwise waited for git after it).
 */
export function prelistDomain(root: string, useGit: boolean, keepMs = PRELISTED_FOR_MS): ReturnType<typeof listDomainFilesInTwo> {
  const key = prelistKey(root, useGit);
  const known = prelisted.get(key);
  if (known) return known.listing;
  const listing = listDomainFilesInTwo(root, useGit);
  listing.catch(() => undefined); // its failure is met by the run that takes it
  prelisted.set(key, { listing, until: performance.now() + keepMs });
  // One no run takes (a folder that fails to open) is let go.
  setTimeout(() => {
    if (prelisted.get(key)?.listing === listing) prelisted.delete(key);
  }, keepMs).unref();
  return listing;
}

/**
 * Drops the listings started ahead: a file changed on disk meanwhile (the editor's watcher says so)
 * may be one they list, or miss, so the runs list their domains again.
 */
export function forgetPrelisted(): void {
  prelisted.clear();
}

function prelistKey(root: string, useGit: boolean): string {
  return `${path.resolve(root)}\0${useGit}`;
}

/** How many listings started ahead wait for their run. */
export function prelistedCount(): number {
  return prelisted.size;
}

/** The listing `prelistDomain` started for this run, taken once while it is recent; else a new one. */
export function listingFor(root: string, useGit: boolean): ReturnType<typeof listDomainFilesInTwo> {
  const key = prelistKey(root, useGit);
  const ahead = prelisted.get(key);
  prelisted.delete(key);
  return ahead && performance.now() <= ahead.until ? ahead.listing : listDomainFilesInTwo(root, useGit);
}
