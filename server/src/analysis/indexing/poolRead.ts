import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isEntryFile } from '../domainIndex';
import { factsFromParts, maintainerPlaceholder, type FactsFromDisk } from './fileFacts';
import type { FileJob, IndexPool } from './pool';

/**
 * Reads files with a worker pool, the first `alone` of them one per batch; a large file among those
 * (all-packages.nix) is read by every worker at once, each parsing its part of it, and its facts are
 * put together here. `got` receives each file's facts as they come. Resolves with the files no
 * worker read (a batch a worker failed on, a large file whose parts did not make one): the caller
 * reads them in process; and the files read in parts.
 */
export async function readWithPool(
  pool: IndexPool,
  list: readonly string[],
  alone: number,
  absolute: (file: string) => string,
  largeFileThreshold: number,
  got: (file: string, result: FactsFromDisk) => void,
): Promise<{ failed: string[]; inParts: string[] }> {
  const jobs: FileJob[] = [];
  list.forEach((file, i) => {
    const inParts = i < alone && pool.size > 1 && !maintainerPlaceholder(file) && isLarge(absolute(file), largeFileThreshold);
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
  );
  return { failed: [...new Set([...failed.map((k) => jobs[k]![0]), ...again])], inParts };
}

/** The top-level files, the lib's and the entry files, read by the pool before the listing: what each gave, by path, and those read in parts. */
export async function readEarly(
  root: string,
  pool: IndexPool,
  largeFileThreshold: number,
  onReadEarly?: (files: readonly string[]) => void,
): Promise<{ read: Map<string, FactsFromDisk>; inParts: string[] }> {
  const inFolder = (folder: string, keep: (file: string) => boolean) => {
    try {
      const entries = readdirSync(path.join(root, folder), { withFileTypes: true });
      return entries.flatMap((e) => (e.isFile() && keep(path.posix.join(folder, e.name)) ? [path.posix.join(folder, e.name)] : [])).sort();
    } catch {
      return [];
    }
  };
  const files = [
    ...inFolder('pkgs/top-level', (f) => f.endsWith('.nix')),
    ...(isFile(path.join(root, 'lib/default.nix')) ? ['lib/default.nix'] : []),
    ...inFolder('', isEntryFile),
  ];
  const read = new Map<string, FactsFromDisk>();
  const { inParts } = await readWithPool(
    pool,
    files,
    files.length,
    (f) => path.join(root, f),
    largeFileThreshold,
    (file, result) => read.set(file, result),
  );
  onReadEarly?.(files);
  return { read, inParts };
}

function isFile(absolute: string): boolean {
  try {
    return statSync(absolute).isFile();
  } catch {
    return false;
  }
}

/** Whether a file is larger than the threshold (read in parts when it is among the first); false when it cannot be read. */
function isLarge(absolute: string, threshold: number): boolean {
  try {
    return statSync(absolute).size > threshold;
  } catch {
    return false;
  }
}
