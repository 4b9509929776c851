/**
 * A whole number with thousands separators (`40,589`), as `toLocaleString('en-US')` writes it,
 * without loading ICU's number formatting: its first use took 20–30 ms here, and a start's first
 * hover (from the partial index, which says how many files are read) paid it.
 */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
