import { promises as fs } from 'node:fs';
import path from 'node:path';
import { domainPathProblem } from '../format';
import { DEFAULT_MAX_BYTES, FetchError, type Fetched, type ReadOptions, type StubTreeSource } from './types';

/** A stub tree in a local folder (a `stub --out` folder, or a copy of one). */
export class FolderStubSource implements StubTreeSource {
  readonly description: string;

  constructor(readonly folder: string) {
    this.description = path.resolve(folder);
  }

  async read(relative: string, options: ReadOptions = {}): Promise<Fetched> {
    return readConfined(this.description, relative, options.maxBytes ?? DEFAULT_MAX_BYTES);
  }
}

/**
 * Reads `relative` under `top`, refusing paths (or symlinks) that lead outside it and files
 * over the size limit (checked before reading, so a huge file is never loaded).
 */
export async function readConfined(top: string, relative: string, maxBytes: number, range?: [number, number]): Promise<Fetched> {
  const problem = domainPathProblem(relative);
  if (problem) throw new FetchError(`refused path ${JSON.stringify(relative)}: it ${problem}`);
  const file = path.join(top, ...relative.split('/'));
  let real: string;
  let realTop: string;
  try {
    [real, realTop] = await Promise.all([fs.realpath(file), fs.realpath(top)]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FetchError(`${file}: ${code === 'ENOENT' ? 'not found' : (err as Error).message}`, code === 'ENOENT');
  }
  const inside = path.relative(realTop, real);
  if (inside.startsWith('..') || path.isAbsolute(inside)) throw new FetchError(`refused ${file}: it resolves outside ${top}`);
  const handle = await fs.open(real, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FetchError(`${file}: not a file`);
    const [start, end] = range ?? [0, stat.size];
    const length = Math.max(0, Math.min(end, stat.size) - start);
    if (length > maxBytes) throw new FetchError(`refused ${file}: ${length} bytes, the limit is ${maxBytes}`);
    const bytes = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(bytes, filled, length - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: bytes.subarray(0, filled), from: file, transferred: 0 };
  } finally {
    await handle.close();
  }
}
