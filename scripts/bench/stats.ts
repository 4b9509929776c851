// Latency summaries for the benchmark: nearest-rank percentiles over client-measured times.

/** p50/p95/max of a list of times, in milliseconds rounded to hundredths. */
export interface Latency {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** Rounds to hundredths: sub-millisecond figures stay readable, the JSON stays short. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The nearest-rank percentile q (0 < q ≤ 1) of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Summarises times (ms). */
export function latency(times: readonly number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round2(percentile(sorted, 0.5)),
    p95Ms: round2(percentile(sorted, 0.95)),
    maxMs: round2(sorted[sorted.length - 1] ?? NaN),
  };
}
