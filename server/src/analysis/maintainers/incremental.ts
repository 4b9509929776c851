import type { ByteReader } from './reader';
import { type HandleEntry, type HandleIndex, lastAtOrBefore } from './index';
import { scanEntries, type ScanOptions } from './scan';
import type { ScanPoint } from './lexer';

/** One edit of the file, in bytes of the content before it: [start, end) became newLength bytes. */
export interface ByteEdit {
  start: number;
  end: number;
  newLength: number;
}

export interface IndexUpdate {
  index: HandleIndex;
  /** The bytes of the new content that were scanned again. */
  rescanned: { start: number; end: number };
}

/** Small chunks: an edit usually needs one entry's bytes, not 64 KiB of them. */
const EDIT_CHUNK_SIZE = 4096;

/**
 * The index after one edit, scanning only from the entry the edit starts in until the scan
 * is back in step with the old index (at an entry start the edit did not touch, in the same
 * scanner state and column); every entry from there on is only moved. reader reads the
 * content after the edit.
 */
export async function updateIndex(index: HandleIndex, edit: ByteEdit, reader: ByteReader, options: ScanOptions = {}): Promise<IndexUpdate> {
  const n = index.size;
  const { starts, lines, columns } = index.columnsOf();
  const delta = edit.newLength - (edit.end - edit.start);
  // The state at an entry start is always the same (between bindings of the top-level set),
  // so the scan may resume there; before the first entry it starts from the file start.
  const first = lastAtOrBefore(starts, n, edit.start);
  const from: ScanPoint | undefined = first >= 0 ? { offset: starts[first], line: lines[first], column: columns[first] } : undefined;
  const keepBefore = Math.max(first, 0);

  let next = lastAtOrBefore(starts, n, edit.end - 1) + 1; // first entry starting at or after edit.end
  const stop = (point: ScanPoint): boolean => {
    while (next < n && starts[next] + delta < point.offset) next++;
    return next < n && starts[next] + delta === point.offset && columns[next] === point.column;
  };
  const rescanned: HandleEntry[] = [];
  const result = await scanEntries(reader, (entry) => rescanned.push(entry), {
    chunkSize: options.chunkSize ?? EDIT_CHUNK_SIZE,
    from,
    stop,
  });
  const start = from?.offset ?? 0;
  if (result.stoppedAt) {
    const lineDelta = result.stoppedAt.line - lines[next];
    return {
      index: index.splice(keepBefore, next, rescanned, delta, lineDelta),
      rescanned: { start, end: result.stoppedAt.offset },
    };
  }
  return { index: index.splice(keepBefore, n, rescanned, 0, 0), rescanned: { start, end: start + result.bytesScanned } };
}

/**
 * The byte offset of an LSP position (0-based line, UTF-16 character) in the content reader
 * reads, found by reading forward from the nearest entry above it rather than from the start.
 */
export async function byteOffsetAt(
  index: HandleIndex,
  reader: ByteReader,
  position: { line: number; character: number },
  chunkSize = EDIT_CHUNK_SIZE,
): Promise<number> {
  const { starts, lines } = index.columnsOf();
  const anchor = lastAtOrBefore(lines, index.size, position.line - 1);
  let offset = anchor >= 0 ? starts[anchor] : 0;
  let line = anchor >= 0 ? lines[anchor] : 0;
  let units = 0;
  const size = await reader.size();
  while (offset < size) {
    const chunk = await reader.read(offset, Math.min(chunkSize, size - offset));
    if (chunk.length === 0) break;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (line < position.line) {
        if (c === 10) line++;
        continue;
      }
      if (c === 10 || c === 13) return offset + i;
      if ((c & 0xc0) === 0x80) continue; // inside a character
      if (units >= position.character) return offset + i;
      units += c >= 0xf0 ? 2 : 1;
    }
    offset += chunk.length;
  }
  return size;
}
