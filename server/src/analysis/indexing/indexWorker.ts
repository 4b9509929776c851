// Entry of an index worker thread: loads the grammar once, then turns batches of files into
// facts. Bundled as dist/indexWorker.js; run from source under tsx in tests.
import { parentPort } from 'node:worker_threads';
import { NixParser } from '../parser';
import { factsFromDisk, type FactsFromDisk } from './fileFacts';
import type { BatchReply, BatchRequest, WarmRequest } from './pool';

const port = parentPort;
if (!port) throw new Error('indexWorker must run in a worker thread');

let parser: Promise<NixParser> | undefined;
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: BatchRequest | WarmRequest) => {
  if ('warm' in request) {
    // A failure is met again, and answered, by the first batch.
    parser ??= NixParser.create();
    parser.catch(() => undefined);
    return;
  }
  // One batch at a time, in the order they came (the pool sends the next before this one is answered).
  // A reply that cannot be sent (facts that do not clone) is answered as a failed batch, and the
  // batches after it are still done.
  queue = queue
    .then(async () => port.postMessage(await indexBatch(request)))
    .catch((err: unknown) => port.postMessage({ id: request.id, error: String(err) } satisfies BatchReply));
});

async function indexBatch(request: BatchRequest): Promise<BatchReply> {
  try {
    parser ??= NixParser.create();
    const p = await parser;
    const results: FactsFromDisk[] = [];
    for (const [file, absolute, part] of request.files)
      results.push(await factsFromDisk(file, absolute, p, request.largeFileThreshold, part));
    return { id: request.id, results };
  } catch (err) {
    return { id: request.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}
