// The memo of a recursive resolution that may run into itself. Every result is kept, failures
// included, so the cost grows with the number of keys, not with the number of paths through
// them. A result that ran into a key still being computed (a cycle: `python3 = python3` in an
// overlay, aliases that lead back) was cut there: it is provisional until that key, the head,
// completes (a low-link, as in Tarjan's algorithm), then computed again on the next request.

/** Results of a recursive computation over keys, safe against cycles and bounded in depth. */
export class CycleMemo<K, V> {
  /** Final results, failures included. */
  private memo = new Map<K, V | null>();
  /**
   * Results that depended on a key still being computed (a cycle was cut there): valid only
   * while that key, the `head`, is on the stack; dropped when it completes.
   */
  private provisional = new Map<K, { target: V | null; head: number }>();
  private provisionalByHead: K[][] = [];
  /** Keys being computed, by their depth on the stack. */
  private readonly stack = new Map<K, number>();
  /** The lowest stack depth a cut reached during the current computation (Tarjan's low-link). */
  private low = Infinity;

  /** How deep computations nest before the deepest is cut. */
  constructor(private readonly maxDepth: number) {}

  /** Whether a computation is running (its stack is in use). */
  get busy(): boolean {
    return this.stack.size > 0;
  }

  /** Forgets every result; only between computations. */
  clear(): void {
    this.memo = new Map();
    this.provisional = new Map();
    this.provisionalByHead = [];
  }

  /** The result for a key: kept, or computed now (undefined where a cycle or the depth cut it). */
  get(key: K, compute: () => V | undefined): V | undefined {
    const memo = this.memo.get(key);
    if (memo !== undefined) return memo ?? undefined;
    const provisional = this.provisional.get(key);
    if (provisional) {
      this.low = Math.min(this.low, provisional.head);
      return provisional.target ?? undefined;
    }
    const onStack = this.stack.get(key);
    if (onStack !== undefined) {
      this.low = Math.min(this.low, onStack);
      return undefined;
    }
    // Too deep: cut, and keep everything below provisional until the outermost computation ends.
    if (this.stack.size >= this.maxDepth) {
      this.low = 0;
      return undefined;
    }
    const depth = this.stack.size;
    this.stack.set(key, depth);
    const outerLow = this.low;
    this.low = Infinity;
    let target: V | undefined;
    try {
      target = compute();
    } finally {
      this.stack.delete(key);
      const low = this.low;
      this.low = Math.min(outerLow, low);
      for (const done of this.provisionalByHead[depth] ?? []) this.provisional.delete(done);
      this.provisionalByHead[depth] = [];
      if (low >= depth) this.memo.set(key, target ?? null);
      else {
        this.provisional.set(key, { target: target ?? null, head: low });
        (this.provisionalByHead[low] ??= []).push(key);
      }
    }
    return target;
  }
}
