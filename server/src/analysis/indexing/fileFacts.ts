import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { gitBlobId } from '../blobId';
import { extractFacts, type FileFacts } from '../facts';
import { factsOfLargeFileSync, largeFileRead, mergeLargeFileParts, type LargeFilePart } from '../largeFile';
import type { NixParser } from '../parser';
import { structureHash } from '../structure';
import { decodeNix } from '../workspace';

/** The facts of one file on disk, and the git blob id of the bytes they were extracted from. */
export interface FactsFromDisk {
  /** Undefined when the file is gone, not a file, unreadable or binary: it leaves the index. */
  facts?: FileFacts;
  /** Blob id of the content read (a large file's as it streamed by); undefined when not known (a file that changed while read). */
  blob?: string;
  /** The facts' `structureHash`, computed here (in a worker, when indexing) rather than on the main thread. */
  structure?: number;
}

/**
 * Reads one file and extracts its facts. The one place that decides how a file on disk is
 * indexed, shared by the analyzer (single files) and the index workers (whole domains), so both
 * paths index a file identically: large maintainer lists get a placeholder (their own scanner
 * indexes them), other large files are cut at their bindings, the rest is parsed whole.
 */
export async function factsFromDisk(
  file: string,
  absolute: string,
  parser: NixParser,
  largeFileThreshold: number,
  part?: LargeFilePart,
): Promise<FactsFromDisk> {
  const bytes = readSmall(absolute, largeFileThreshold);
  if (bytes === LARGE) {
    const placeholder = maintainerPlaceholder(file);
    // A part of a large file (one of several workers reading it at once) is merged before it is used.
    if (placeholder) return withStructure({ facts: placeholder });
    const read = await largeFileRead(file, absolute, parser, undefined, part);
    return part ? read : withStructure(read);
  }
  return withStructure(smallFacts(file, bytes, parser));
}

/**
 * The facts of a large file read in parts (`factsFromDisk` with a part each), as one; undefined
 * when a part is not one (the file was gone or no longer large when a worker read it).
 */
export function factsFromParts(parts: readonly FactsFromDisk[]): FactsFromDisk | undefined {
  const facts = parts.map((p) => p.facts);
  // Each part scanned the whole file: parts that end elsewhere read different versions of it.
  const end = (f: FileFacts) => f.value.span.join(':');
  if (!facts.every((f): f is FileFacts => f?.large === true && f.value.k === 'set' && end(f) === end(facts[0]!))) return undefined;
  // Parts that hashed different bytes (or one whose file changed size meanwhile) read different
  // versions of it, whatever their spans say.
  const { blob } = parts[0]!;
  if (parts.some((p) => p.blob !== blob)) return undefined;
  return withStructure({ facts: mergeLargeFileParts(facts), ...(blob ? { blob } : {}) });
}

/** The same, read and parsed synchronously: for a file a request needs before indexing has read it. */
export function factsFromDiskSync(file: string, absolute: string, parser: NixParser, largeFileThreshold: number): FactsFromDisk {
  const bytes = readSmall(absolute, largeFileThreshold);
  if (bytes === LARGE) return withStructure({ facts: maintainerPlaceholder(file) ?? factsOfLargeFileSync(file, absolute, parser) });
  return withStructure(smallFacts(file, bytes, parser));
}

function withStructure(result: FactsFromDisk): FactsFromDisk {
  return result.facts ? { ...result, structure: structureHash(result.facts) } : result;
}

const LARGE = Symbol('large');

/**
 * The bytes of a regular file at most `threshold` long; LARGE when it is longer; undefined when it
 * is gone, no regular file or unreadable. One open and one fstat: a stat by path before the read
 * walked the path twice, a tenth of an index worker's file reading. Synchronous I/O: a file is at
 * most the threshold, and in a worker a round trip through libuv's pool per call costs more than
 * the read itself. Opened without blocking, so a FIFO is found to be no file instead of waited on.
 */
function readSmall(absolute: string, threshold: number): Buffer | typeof LARGE | undefined {
  let fd: number;
  try {
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    return stat.size > threshold ? LARGE : readAll(fd, stat.size);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of an open file of `size` bytes, as `readFileSync(fd)` reads them (up to the size it
 * found, or to an earlier end), without asking for the size again: that was a second fstat per file.
 */
function readAll(fd: number, size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let length = 0;
  while (length < size) {
    const read = readSync(fd, bytes, length, size - length, null);
    if (read === 0) break;
    length += read;
  }
  return length < size ? bytes.subarray(0, length) : bytes;
}

/** A large maintainer list gets a placeholder: its own scanner indexes it. */
export function maintainerPlaceholder(file: string): FileFacts | undefined {
  return /(^|\/)maintainers\//.test(file) ? { path: file, errors: [], value: { k: 'other', span: [0, 0, 0, 0] }, large: true } : undefined;
}

function smallFacts(file: string, bytes: Buffer | undefined, parser: NixParser): FactsFromDisk {
  const text = bytes && decodeNix(bytes);
  if (text === undefined) return {};
  const tree = parser.parse(text);
  try {
    return { facts: shareDerivation(extractFacts(file, tree, parser.timedOut)), blob: gitBlobId(bytes!) };
  } finally {
    tree.delete();
  }
}

/**
 * A package file's derivation is both its value (`inline`) and its `drv`, extracted twice as
 * equal objects; one shared object halves what the index holds for it. Facts are never mutated,
 * so sharing is invisible to readers (and structured cloning from a worker keeps it).
 */
function shareDerivation(facts: FileFacts): FileFacts {
  if (
    facts.drv &&
    facts.value.k === 'inline' &&
    facts.drv !== facts.value.drv &&
    JSON.stringify(facts.drv) === JSON.stringify(facts.value.drv)
  )
    facts.drv = facts.value.drv;
  return facts;
}
