/** The two summaries every duration figure gives: the median and the 90th percentile. */

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The nearest-rank percentile: a value that was really observed, never an
 * interpolation between two (with 3 values, p90 is the largest). Null for none.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface Spread {
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
}

export function spreadOf(durationsMs: readonly number[]): Spread {
  return { count: durationsMs.length, medianMs: median(durationsMs), p90Ms: percentile(durationsMs, 90) };
}

/** `42.0 s`, `3.5 min`, `2.1 h`, `3.0 d`: one decimal, in the unit that keeps the number small. */
export function showSpan(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]];
  for (const [unit, size] of units) if (ms >= size * (unit === 's' ? 1 : 1.5)) return `${(ms / size).toFixed(1)} ${unit}`;
  return `${Math.round(ms)} ms`;
}

/** `median 42.0 s, p90 1.2 min`. */
export function showSpread(spread: Spread): string {
  if (spread.medianMs === null || spread.p90Ms === null) return 'none';
  return `median ${showSpan(spread.medianMs)}, p90 ${showSpan(spread.p90Ms)}`;
}
