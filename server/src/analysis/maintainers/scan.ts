import type { ByteReader } from './reader';
import { type HandleIndex, HandleIndexBuilder, type HandleEntry } from './index';
import type { ScanPoint } from './lexer';
import { EntryScanner, type StopRule } from './scanner';

/** Bytes per read unless told otherwise. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

export interface ScanOptions {
  chunkSize?: number;
}

/**
 * Scans from `from` (default: the file start) in chunks, handing every complete entry to
 * sink, until end of file or until stop says so. Returns where it stopped, if it did.
 */
export async function scanEntries(
  reader: ByteReader,
  sink: (entry: HandleEntry) => void,
  options: ScanOptions & { from?: ScanPoint; stop?: StopRule } = {},
): Promise<{ stoppedAt?: ScanPoint; bytesScanned: number }> {
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const scanner = new EntryScanner(sink, options.stop, options.from);
  const size = await reader.size();
  const first = options.from?.offset ?? 0;
  let offset = first;
  // One buffer for the whole scan (if the reader fills it): nothing of a chunk outlives it.
  const into = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(0, size - first)));
  while (offset < size) {
    const chunk = await reader.read(offset, Math.min(chunkSize, size - offset), into);
    if (chunk.length === 0) break;
    if (!scanner.feed(chunk, offset)) return { stoppedAt: scanner.stopped, bytesScanned: offset + chunk.length - first };
    offset += chunk.length;
  }
  scanner.finish(offset);
  return { bytesScanned: offset - first };
}

/** Builds the handle index of a maintainer or team list, reading it chunk by chunk. */
export async function scanMaintainers(reader: ByteReader, options: ScanOptions = {}): Promise<HandleIndex> {
  const builder = new HandleIndexBuilder();
  await scanEntries(reader, (entry) => builder.push(entry), options);
  return builder.build();
}
