import v8 from 'node:v8';

let limited = false;

/**
 * Asks V8 to grow its heap by at most 10% over what is live after each full collection
 * (`NIX_DOMAINS_HEAP_GROWING_PERCENT`, 0 for V8's own choice throughout). A large answer
 * (references on `stdenv`: 35,000 locations, about 25 MB of short-lived objects) otherwise lets
 * the heap grow far past what the server holds; measured on the generated 40,000-file core, peak
 * RSS through such answers goes from 371 MB to 306-312 MB (docs/performance.md).
 *
 * Not from the start: growing a heap from nothing to 150 MB 10% at a time takes some 30 full
 * collections, whose marking took a core from a warm start's first answer. The server limits it
 * as a run with no index cache starts (workers parse every file and hand their facts over: the
 * cold peak) and once any domain is indexed; a server with no workspace folder indexes none and
 * its heap grows at V8's pace (it holds only the files it is asked about). Later calls do nothing.
 */
export function limitHeapGrowth(): void {
  if (limited) return;
  limited = true;
  const fromEnv = process.env.NIX_DOMAINS_HEAP_GROWING_PERCENT;
  const percent = fromEnv !== undefined && /^\d+$/.test(fromEnv) ? Number(fromEnv) : 10;
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
