import { promises as fs } from 'node:fs';

/**
 * Random access to a file's bytes. Everything that touches a large file goes through this,
 * so a test (or an HTTP Range client, or a git blob reader) can stand in for the disk.
 */
export interface ByteReader {
  size(): Promise<number>;
  /**
   * Up to length bytes from offset (fewer only at end of file). A reader may fill and return
   * `into` (when it is large enough) instead of allocating: a chunked scan reuses one buffer.
   */
  read(offset: number, length: number, into?: Buffer): Promise<Buffer>;
}

/** A ByteReader over a file on disk; keeps one handle open until close(). */
export class FileByteReader implements ByteReader {
  private constructor(private readonly handle: fs.FileHandle) {}

  /** Opens the file for reading. */
  static async open(path: string): Promise<FileByteReader> {
    return new FileByteReader(await fs.open(path, 'r'));
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async read(offset: number, length: number, into?: Buffer): Promise<Buffer> {
    length = Math.max(0, length);
    const buffer = into && into.length >= length ? into : Buffer.allocUnsafe(length);
    let filled = 0;
    // A single read may return fewer bytes than asked (pipes, network file systems).
    while (filled < length) {
      const { bytesRead } = await this.handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === buffer.length ? buffer : buffer.subarray(0, filled);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A reader of the file at a path, which may need closing once read. */
export type ReaderOpener = (path: string) => Promise<ByteReader & { close?: () => Promise<void> }>;

/** Runs fn with a reader over the file at path (opened by `open`) and closes it afterwards. */
export async function withFileReader<T>(
  path: string,
  fn: (reader: ByteReader) => Promise<T>,
  open: ReaderOpener = FileByteReader.open,
): Promise<T> {
  const reader = await open(path);
  try {
    return await fn(reader);
  } finally {
    await reader.close?.();
  }
}

/** A ByteReader over bytes already in memory (an open editor buffer, a test fixture). */
export function bufferReader(bytes: Buffer | string): ByteReader {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return {
    size: async () => buffer.length,
    read: async (offset, length) => buffer.subarray(offset, Math.min(buffer.length, offset + length)),
  };
}
