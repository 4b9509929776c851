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

/** Records the answers of one request kind that took longer than `overMs`, by content. */
export class SlowAnswers {
  readonly times: number[] = [];
  /** Per request over the limit: its index in `times` and in `distinct`. */
  readonly slow: { request: number; answer: number }[] = [];
  readonly distinct: string[] = [];
  private readonly byJson = new Map<string, number>();

  constructor(readonly overMs: number) {}

  /** A request's time and answer; `undefined` for a request that failed (it keeps its time). */
  record(ms: number, answer: unknown): void {
    this.times.push(ms);
    if (ms <= this.overMs || answer === undefined) return;
    const json = JSON.stringify(answer ?? null);
    let at = this.byJson.get(json);
    if (at === undefined) {
      at = this.distinct.push(json) - 1;
      this.byJson.set(json, at);
    }
    this.slow.push({ request: this.times.length - 1, answer: at });
  }
}

export interface FloorFigures extends Latency {
  /** Requests over the target as the server answered them. */
  slow: number;
  /** Of those, how many stay over it with the protocol alone. */
  slowWithProtocolAlone: number;
  /** Their sizes: the fewest and most locations among them. */
  fewestLocations: number;
  mostLocations: number;
}

/**
 * The requests' latency with every slow answer's time replaced by the fastest of `SENDS` sends of
 * the same answer by the peer: a lower bound of what any server could reach here.
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
      sizes.push(locations);
      if (fastest > recorded.overMs) slowWithProtocolAlone++;
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
