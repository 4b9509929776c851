// Waiting on a signal, never on a fixed delay: poll a condition until it holds or time runs out.
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves with the first truthy value `probe` returns; rejects after `timeoutMs` with `what`
 * and the last value seen. An error thrown by `probe` ends the wait at once.
 */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | false | null | undefined>,
  describe: (last: unknown) => string = (last) => JSON.stringify(last),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let pause = 25; ; pause = Math.min(pause * 2, 250)) {
    last = await probe();
    if (last) return last as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what} (last: ${describe(last)})`);
    await delay(pause);
  }
}
