// The walk over packed edges that marks what a set of seeds reaches (dependants or dependencies),
// with edges that can be stopped at a node (`stop`) or crossed only under a condition (`Gate`).

/** Edges as flat arrays: the targets of node v are `targets[offsets[v]]` to `targets[offsets[v + 1] - 1]`. */
interface Edges {
  offsets: Int32Array;
  targets: Int32Array;
}

/**
 * Edges a walk crosses only under a condition (`xmlto` takes `w3m-batch`, a variant of w3m: a
 * change reaches it through w3m only when it reaches the variant): `gated` says which, `open`
 * whether one is crossed, asked again once the walk has marked all it can without them.
 */
export interface Gate {
  gated(from: number, to: number): boolean;
  open(from: number, to: number, marked: Uint8Array): boolean;
  /**
   * Gated edges asked about even when the walk does not reach their `from` node, as from/to pairs:
   * a variant whose own flags switch on an input its package does not otherwise use (`curl =
   * curlMinimal.override { pslSupport = true; }`) rebuilds when that input changes.
   */
  always?: readonly number[];
}

export function walk(n: number, edges: Edges, seeds: Iterable<number>, stop?: Uint8Array, gate?: Gate): Uint8Array {
  return walkReaching(n, edges, seeds, stop, gate).marked;
}

/** What a walk marked, and the marked nodes themselves, each once, in the order it reached them. */
export interface Walked {
  marked: Uint8Array;
  reached: Int32Array;
}

/** `walk`, with the nodes it marked as a list: a caller then does what they need without going through every node. */
export function walkReaching(n: number, { offsets, targets }: Edges, seeds: Iterable<number>, stop?: Uint8Array, gate?: Gate): Walked {
  const marked = new Uint8Array(n);
  const seedList = [...seeds];
  // Each node enters the queue at most once after being marked, plus the seeds once each.
  const queue = new Int32Array(n + seedList.length);
  let tail = 0;
  let head = 0;
  for (const seed of seedList) queue[tail++] = seed;
  // Gated edges met on the way, as from/to pairs, crossed once their condition holds.
  const pending: number[] = gate?.always ? [...gate.always] : [];
  for (;;) {
    for (; head < tail; head++) {
      const v = queue[head]!;
      if (stop?.[v]) continue;
      for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) {
        const w = targets[e]!;
        if (marked[w]) continue;
        if (gate?.gated(v, w)) {
          pending.push(v, w);
          continue;
        }
        marked[w] = 1;
        queue[tail++] = w;
      }
    }
    let crossed = false;
    for (let i = 0; i < pending.length; i += 2) {
      const w = pending[i + 1]!;
      if (marked[w] || !gate!.open(pending[i]!, w, marked)) continue;
      marked[w] = 1;
      queue[tail++] = w;
      crossed = true;
    }
    // Each node the walk marked entered the queue once, after the seeds.
    if (!crossed) return { marked, reached: queue.subarray(seedList.length, tail) };
  }
}
