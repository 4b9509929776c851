// The (attribute name, package) pairs of a rebuild model in name order: a query keeps those whose
// package rebuilds, already sorted. A change that reaches few packages looks only at their pairs.
import { pack, type PackedEdges } from '../waves/graph';

/** A pair the change cannot count (a fixed output, a function, a name that fails or is refused). */
export const NEVER = 0;
/** A pair counted when its package is marked. */
export const MARKED = 1;
/** A variant (`cmakeCurses = cmake.override { … }`): counted when what it is built with changes. */
export const VARIANT = 2;

/** The (name, node) pairs of a model in name order, what kind each is, and each node's pairs. */
export interface NamedPairs {
  pairs: { name: string; at: number }[];
  kind: Uint8Array;
  /** The pairs that are variants, in order. */
  variants: Int32Array;
  /** Each node's pairs. */
  byNode: PackedEdges;
}

/** The pairs (in name order), each one's kind (decided once, whatever the change), and each node's pairs. */
export function namedPairs(
  nodes: number,
  pairs: { name: string; at: number }[],
  kindOf: (pair: { name: string; at: number }) => number,
): NamedPairs {
  const kind = Uint8Array.from(pairs, kindOf);
  const variants = Int32Array.from(kind.keys()).filter((pair) => kind[pair] === VARIANT);
  // An edge from each node to each of its pairs.
  const byNode = pack(nodes, pairs.length, (visit) => {
    for (let pair = 0; pair < pairs.length; pair++) visit(pairs[pair]!.at, pair);
  });
  return { pairs, kind, variants, byNode };
}

/**
 * The pairs a change can count, in name order, when the marked nodes (`marked`, each once) hold few
 * of them (a quarter at most): their pairs and the variants'; undefined when it is quicker to go
 * through them all.
 */
export function fewPairs(named: NamedPairs, marked: ArrayLike<number>): Int32Array | undefined {
  const { offsets, targets } = named.byNode;
  const limit = named.pairs.length / 4;
  let total = named.variants.length;
  for (let i = 0; i < marked.length; i++) {
    const at = marked[i]!;
    if ((total += offsets[at + 1]! - offsets[at]!) > limit) return undefined;
  }
  const few = new Int32Array(total);
  few.set(named.variants);
  let n = named.variants.length;
  for (let i = 0; i < marked.length; i++) {
    const at = marked[i]!;
    for (let k = offsets[at]!; k < offsets[at + 1]!; k++) few[n++] = targets[k]!;
  }
  // A variant pair whose node is marked is there twice: counted once (the name is kept once anyway).
  return few.sort();
}
