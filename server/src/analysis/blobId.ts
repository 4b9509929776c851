import { createHash, type Hash } from 'node:crypto';

/** The id git gives a blob with this content (`git hash-object`): sha1 of a header and the bytes. */
export function gitBlobId(bytes: Buffer): string {
  return blobHash(bytes.length).update(bytes).digest('hex');
}

/** The same id for content read in parts: the hash with the header of a blob of `size` bytes, for the parts to be added to. */
export function blobHash(size: number): Hash {
  return createHash('sha1').update(`blob ${size}\0`);
}
