import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver';
import { Budget } from '../analysis/budget';

/**
 * How work is sliced: it runs `sliceMs` between two yields to the event loop
 * (`NIX_DOMAINS_SLICE_MS`, default 8 ms; 0 yields after every step) and each yield lasts
 * `pauseMs` (`NIX_DOMAINS_PAUSE_MS`, default 0). Tests use both to make long work visibly long.
 */
export function pacing(): { sliceMs: number; pauseMs: number } {
  const read = (name: string, fallback: number) => {
    const value = Number(process.env[name]);
    return process.env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return { sliceMs: read('NIX_DOMAINS_SLICE_MS', 8), pauseMs: read('NIX_DOMAINS_PAUSE_MS', 0) };
}

let running = 0;
/** When the last request ended (`performance.now()`). */
let lastEnded = Number.NEGATIVE_INFINITY;

/** Whether a request is being worked on, or one ended within the last `ms` (background work yields to them). */
export function requestsRecently(ms: number): boolean {
  return running > 0 || performance.now() - lastEnded < ms;
}

/**
 * Runs requests within their budget: cancellable by the client, cut after the configured time
 * (answering with what the work found), yielding so that other requests are answered meanwhile.
 * A failure is logged and answered with the fallback; the server keeps answering. (An answer whose
 * items are made as it is written, `madeAsWritten`, can fail only then: the writer logs that, and
 * the library answers the request with an error.)
 */
export class RequestRunner {
  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: () => number,
  ) {}

  /** A budget for work outside a request (diagnostics, warm-up): no deadline unless given. */
  budget(token?: CancellationToken, timeoutMs?: number): Budget {
    return new Budget({ ...pacing(), ...(token ? { token } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  /** Runs one request: its answer, the fallback on failure, or RequestCancelled once the client cancelled it. */
  async run<T>(what: string, token: CancellationToken, fallback: T, work: (budget: Budget) => Promise<T>): Promise<T> {
    const started = performance.now();
    const budget = new Budget({ token, timeoutMs: this.timeoutMs(), ...pacing() });
    let answer: T;
    running++;
    try {
      answer = await work(budget);
    } catch (err) {
      this.connection.console.error(`${what} failed: ${err instanceof Error ? err.stack : String(err)}`);
      answer = fallback;
    } finally {
      running--;
      lastEnded = performance.now();
    }
    if (budget.cut === 'cancelled') throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
    if (budget.cut) {
      this.connection.console.warn(
        `${what} was cut after ${Math.round(performance.now() - started)} ms (${budget.cut}): answered with what it had found`,
      );
    }
    return answer;
  }
}
