// Reading pinned revisions out of a flake.lock (lock file version 7, as `nix flake lock`
// writes it): root → inputs → node → locked.rev, following `follows` paths.
import { promises as fs } from 'node:fs';

interface LockNode {
  inputs?: Record<string, string | string[]>;
  locked?: { rev?: unknown };
}
interface Lock {
  nodes?: Record<string, LockNode>;
  root?: string;
  version?: number;
}

/** The locked `rev` of a root input of a parsed flake.lock, or undefined (no such input, or not locked to a rev). */
export function lockedRevisionOf(lock: unknown, input: string): string | undefined {
  if (typeof lock !== 'object' || lock === null) return undefined;
  const { nodes, root = 'root' } = lock as Lock;
  if (!nodes || typeof nodes !== 'object') return undefined;
  const node = nodeOf(nodes, root, [input]);
  const rev = node?.locked?.rev;
  return typeof rev === 'string' && /^[0-9a-f]{7,64}$/.test(rev) ? rev : undefined;
}

/** Follows an input path from a node; `follows` entries are paths from the root node. */
function nodeOf(nodes: Record<string, LockNode>, from: string, inputPath: string[], depth = 0): LockNode | undefined {
  if (depth > 32) return undefined; // a follows cycle
  let current: LockNode | undefined = nodes[from];
  for (const name of inputPath) {
    const ref: string | string[] | undefined = current?.inputs?.[name];
    if (typeof ref === 'string') current = Object.hasOwn(nodes, ref) ? nodes[ref] : undefined;
    else if (Array.isArray(ref) && ref.every((r) => typeof r === 'string')) current = nodeOf(nodes, 'root', ref, depth + 1);
    else return undefined;
  }
  return current;
}

/** The locked `rev` of an input in the flake.lock file at `file`; undefined when absent or unreadable. */
export async function readLockedRevision(file: string, input: string): Promise<string | undefined> {
  try {
    return lockedRevisionOf(JSON.parse(await fs.readFile(file, 'utf8')), input);
  } catch {
    return undefined;
  }
}
