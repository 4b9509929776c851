import { readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { factsFromParts, maintainerPlaceholder, type FactsFromDisk } from './fileFacts';
import type { FileJob, IndexPool } from './pool';

/**
 * Reads files with a worker pool, the first `alone` of them one per batch; a large file among those
 * (all-packages.nix) is read by every worker at once, each parsing its part of it, and its facts are
 * put together here. `got` receives each file's facts as they come. Resolves with the files no
 * worker read (a batch a worker failed on, a large file whose parts did not make one): the caller
 * reads them in process; and the files read in parts. `urgent` files go before what the pool has queued.
 */
export async function readWithPool(
  pool: IndexPool,
  list: readonly string[],
  alone: number,
  absolute: (file: string) => string,
  largeFileThreshold: number,
  got: (file: string, result: FactsFromDisk) => void,
  urgent = false,
): Promise<{ failed: string[]; inParts: string[] }> {
  const jobs: FileJob[] = [];
  list.forEach((file, i) => {
    const inParts = i < alone && pool.size > 1 && !maintainerPlaceholder(file) && (statOf(absolute(file))?.size ?? 0) > largeFileThreshold;
    const of = inParts ? pool.size : 1;
    for (let index = 0; index < of; index++) jobs.push(of > 1 ? [file, absolute(file), { index, of }] : [file, absolute(file)]);
  });
  const alonePlus = jobs.length - (list.length - Math.min(alone, list.length));
  /** The parts of each large file read so far, and the files whose parts did not make one. */
  const parts = new Map<string, FactsFromDisk[]>();
  const again: string[] = [];
  const inParts: string[] = [];
  const failed = await pool.run(
    jobs,
    largeFileThreshold,
    (at, results) => {
      results.forEach((result, k) => {
        const [file, , part] = jobs[at + k]!;
        let whole: FactsFromDisk | undefined = result;
        if (part) {
          const known = parts.get(file) ?? new Array<FactsFromDisk>(part.of);
          parts.set(file, known);
          known[part.index] = result;
          if (known.filter(Boolean).length < part.of) return;
          parts.delete(file);
          whole = factsFromParts(known);
          if (whole) inParts.push(file);
          else again.push(file);
        }
        if (whole) got(file, whole);
      });
    },
    alonePlus,
    urgent,
  );
  return { failed: [...new Set([...failed.map((k) => jobs[k]![0]), ...again])], inParts };
}

/**
 * The files read first (`first`) that can be found without the listing (in `pkgs/top-level/`, the
 * root and `lib/default.nix`), read by the pool before the listing comes: which files (known at
 * once), and once read what each gave, by path, and those read in parts.
 */
export function readEarly(
  root: string,
  pool: IndexPool,
  largeFileThreshold: number,
  first: (file: string) => boolean,
  onReadEarly?: (files: readonly string[]) => void,
): { files: readonly string[]; done: Promise<{ read: Map<string, FactsFromDisk>; inParts: string[] }> } {
  const nixFilesIn = (folder: string) => {
    try {
      const entries = readdirSync(path.join(root, folder), { withFileTypes: true });
      return entries.flatMap((e) => (e.isFile() && e.name.endsWith('.nix') ? [path.posix.join(folder, e.name)] : [])).sort();
    } catch {
      return [];
    }
  };
  const lib = statOf(path.join(root, 'lib/default.nix'))?.isFile() ? ['lib/default.nix'] : [];
  const files = [...nixFilesIn('pkgs/top-level'), ...lib, ...nixFilesIn('')].filter(first);
  const read = new Map<string, FactsFromDisk>();
  const done = readWithPool(
    pool,
    files,
    files.length,
    (f) => path.join(root, f),
    largeFileThreshold,
    (file, result) => read.set(file, result),
  ).then(({ inParts }) => {
    onReadEarly?.(files);
    return { read, inParts };
  });
  return { files, done };
}

/** A file's stat, undefined when it cannot be had. */
function statOf(absolute: string): Stats | undefined {
  try {
    return statSync(absolute);
  } catch {
    return undefined;
  }
}
