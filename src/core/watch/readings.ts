/**
 * Readings are kept per source, not per condition: two tiers watching the
 * same query at different thresholds share one reading per tick. Kept only
 * as long as a verdict can need them, so memory stays bounded on a 24h watch.
 */
import type { ConditionSource, Measurement, WatchConfig } from './measurement.js';

/** The key a source's readings are kept under: `query:<promql>`, `error_rate:<url>`, `health`. */
export function sourceKey(source: ConditionSource): string {
  switch (source.kind) {
    case 'query':
      return `query:${source.query}`;
    case 'error_rate':
      return `error_rate:${source.url}`;
    case 'health':
      return 'health';
  }
}

/** Every source the watch reads, once each, in the order the tiers name them: what a tick measures. */
export function watchedSources(config: WatchConfig): Map<string, ConditionSource> {
  const sources = new Map<string, ConditionSource>();
  for (const tier of config.tiers) {
    for (const condition of tier.when) {
      const key = sourceKey(condition.source);
      if (!sources.has(key)) sources.set(key, condition.source);
    }
  }
  return sources;
}

/**
 * `readings` (oldest first) without what no verdict over a window of at most
 * `windowMs` with an error limit of `errorLimit` can still need. Kept: every
 * reading from `windowMs` before the latest usable (non-error) one on, plus
 * the last usable reading before that (it says whether a streak began before
 * the window), plus the last `errorLimit` of the errors after the latest usable
 * one (more cannot change a verdict; a verdict's error count then stops at
 * the limit). Errors dropped from inside a window change nothing: an error
 * neither breaks nor extends a streak.
 */
export function trimReadings(readings: readonly Measurement[], windowMs: number, errorLimit: number): Measurement[] {
  let usable = readings.length - 1;
  while (usable >= 0 && (readings[usable] as Measurement).kind === 'error') usable -= 1;
  const trailingErrors = readings.slice(Math.max(usable + 1, readings.length - errorLimit));
  if (usable < 0) return trailingErrors;

  const from = (readings[usable] as Measurement).at - windowMs;
  let first = usable;
  while (first > 0 && (readings[first - 1] as Measurement).at >= from) first -= 1;
  const kept = readings.slice(first, usable + 1);
  for (let i = first - 1; i >= 0; i -= 1) {
    const before = readings[i] as Measurement;
    if (before.kind !== 'error') {
      kept.unshift(before);
      break;
    }
  }
  return [...kept, ...trailingErrors];
}

/** Every source's readings trimmed to the longest window of the conditions that read it (see trimReadings). */
export function trimWatchReadings(
  config: WatchConfig,
  readings: ReadonlyMap<string, readonly Measurement[]>,
): Map<string, Measurement[]> {
  const windows = longestWindows(config);
  const trimmed = new Map<string, Measurement[]>();
  for (const [key, list] of readings) {
    // A source no condition reads any more is dropped with its readings.
    const windowMs = windows.get(key);
    if (windowMs !== undefined) trimmed.set(key, trimReadings(list, windowMs, config.errorLimit));
  }
  return trimmed;
}

/** For each source, the longest `for` of the conditions that read it. */
export function longestWindows(config: WatchConfig): Map<string, number> {
  const windows = new Map<string, number>();
  for (const tier of config.tiers) {
    for (const condition of tier.when) {
      const key = sourceKey(condition.source);
      windows.set(key, Math.max(windows.get(key) ?? 0, condition.forMs));
    }
  }
  return windows;
}
