// The protocol's floor under the references' p95: the answers that took longer than the target
// are sent again, as they were, by a peer that does no work (floorPeer.ts), to the same client
// over the same stdio transport. What such an answer still takes is the JSON written and read and
// the pipe between, which no server can take away; when more than 5% of the requests stay over
// the target that way, the target is out of reach of any server measured by this client.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LspClient } from '../../server/src/cli/lspClient';
import { latency, type Latency } from './stats';

/** Each slow answer is sent this many times; the fastest counts (the floor is a lower bound). */
const SENDS = 3;
const WAIT_MS = 60_000;

/**
 * The times of one request kind's requests, and which took longer than `overMs`. Only their
 * questions are kept while the requests are timed (anything more would be the client's work
 * between them); their answers are asked again afterwards (`collect`), with the index unchanged.
 */
export class SlowAnswers {
  readonly times: number[] = [];
  /** Per request over the limit: its index in `times` and in `distinct`. */
  readonly slow: { request: number; answer: number }[] = [];
  readonly distinct: string[] = [];
  private readonly asked: { request: number; method: string; params: unknown }[] = [];

  constructor(readonly overMs: number) {}

  /** A request's time; `failed` for one that failed (it keeps its time and is not sent again). */
  record(ms: number, method: string, params: unknown, failed = false): void {
    this.times.push(ms);
    if (ms > this.overMs && !failed) this.asked.push({ request: this.times.length - 1, method, params });
  }

  /** Asks the slow requests again (untimed) and keeps each distinct answer once, as JSON. */
  async collect(ask: (method: string, params: unknown) => Promise<unknown>): Promise<void> {
    const byJson = new Map<string, number>();
    for (const { request, method, params } of this.asked) {
      const json = JSON.stringify((await ask(method, params)) ?? null);
      let at = byJson.get(json);
      if (at === undefined) {
        at = this.distinct.push(json) - 1;
        byJson.set(json, at);
      }
      this.slow.push({ request, answer: at });
    }
    this.asked.length = 0;
  }
}

export interface FloorFigures extends Latency {
  /** Requests over the target as the server answered them. */
  slow: number;
  /** Of those, how many stay over it with the protocol alone (the fastest of SENDS sends). */
  slowWithProtocolAlone: number;
  /** The sizes of those that stay over: the fewest and most locations among them. */
  fewestLocations: number;
  mostLocations: number;
}

/** The figures of a floor that could not be measured (the benchmark's table says "failed"). */
export function noFloor(recorded: SlowAnswers): FloorFigures {
  return {
    count: recorded.times.length,
    p50Ms: NaN,
    p95Ms: NaN,
    maxMs: NaN,
    slow: recorded.slow.length,
    slowWithProtocolAlone: NaN,
    fewestLocations: NaN,
    mostLocations: NaN,
  };
}

/**
 * The requests' latency with every slow answer's time replaced by the fastest of `SENDS` sends of
 * the same answer by the peer: a lower bound of what a server could reach here (the peer also has
 * none of the server's live heap, nor its heap limit, whose collections a large answer pays for).
 */
export async function protocolFloor(recorded: SlowAnswers, floorPeer: string): Promise<FloorFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-floor-'));
  const file = path.join(dir, 'answers.json');
  writeFileSync(file, `[${recorded.distinct.join(',')}]`);
  const client = await LspClient.start(dir, floorPeer, undefined, {
    // The peer is TypeScript, run the way the benchmark itself is (from the repository).
    command: [process.execPath, '--import', 'tsx', floorPeer, file],
    waitMs: WAIT_MS,
  });
  try {
    const times = [...recorded.times];
    const sizes: number[] = [];
    let slowWithProtocolAlone = 0;
    for (const { request, answer } of recorded.slow) {
      let fastest = Infinity;
      let locations = 0;
      for (let i = 0; i < SENDS; i++) {
        const started = performance.now();
        const got = await client.request<unknown[] | null>('textDocument/references', {
          textDocument: { uri: 'file:///floor.nix' },
          position: { line: answer, character: 0 },
          context: { includeDeclaration: true },
        });
        fastest = Math.min(fastest, performance.now() - started);
        locations = got?.length ?? 0;
      }
      times[request] = fastest;
      if (fastest > recorded.overMs) {
        slowWithProtocolAlone++;
        sizes.push(locations);
      }
    }
    return {
      ...latency(times),
      slow: recorded.slow.length,
      slowWithProtocolAlone,
      fewestLocations: sizes.length ? Math.min(...sizes) : 0,
      mostLocations: sizes.length ? Math.max(...sizes) : 0,
    };
  } finally {
    await client.stop().catch(() => client.process.kill('SIGKILL'));
    rmSync(dir, { recursive: true, force: true });
  }
}
