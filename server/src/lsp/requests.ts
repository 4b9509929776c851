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
/** Background work waiting for the requests being worked on to be done (see `requestsDone`). */
let waiting: (() => void)[] = [];

/** How many requests are being worked on now (background work yields to them). */
export function requestsRunning(): number {
  return running;
}

/**
 * Settles once no request is being worked on, or after `maxMs` (a request waiting for something
 * outside the process, a stub fetch, does not hold background work up for long). Settled two turns
 * of the event loop after the last request ends (`afterQueued`), so that its answer is written first.
 */
export function requestsDone(maxMs: number): Promise<void> {
  if (running === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiting = waiting.filter((w) => w !== done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    waiting.push(done);
  });
}

function requestEnded(): void {
  running--;
  if (running > 0 || waiting.length === 0) return;
  void afterQueued().then(() => {
    // Another request may have started meanwhile: background work waits for it too.
    if (running === 0) for (const done of [...waiting]) done();
  });
}

/**
 * Settles after what is queued on the event loop now has run: a request the library read meanwhile
 * (it starts each message's handler from a `setImmediate`, queued behind one made now) and an answer
 * a writer sends from one (the library's stream writer, over `--socket`). Two `setImmediate` hops:
 * one made while immediates run is run on the next turn of the loop, after those queued by then.
 */
export function afterQueued(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/**
 * Runs requests within their budget: cancellable by the client, cut after the configured time
 * (answering with what the work found), yielding so that other requests are answered meanwhile.
 * A failure is logged and answered with the fallback; the server keeps answering.
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
      requestEnded();
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
