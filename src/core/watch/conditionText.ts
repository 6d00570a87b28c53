/**
 * How a watch condition and its readings are written for people: the label
 * in rewind.yaml's own words, values as Prometheus writes them (NaN, +Inf),
 * and how long something held. Shared by the config converter and the verdict
 * so a reason names a condition exactly as its label does.
 */
import { showDuration } from '../configParts.js';
import type { ConditionSource, WatchCondition } from './measurement.js';

/** What the condition reads: `query "sum(rate(...))"`, `error rate of http://...`, `health check`. */
export function sourceText(source: ConditionSource): string {
  switch (source.kind) {
    case 'query':
      // A query written over several lines (a YAML block) still reads on one.
      return `query "${source.query.replace(/\s+/g, ' ').trim()}"`;
    case 'error_rate':
      return `error rate of ${source.url}`;
    case 'health':
      return 'health check';
  }
}

/** When a reading holds: `above 0.2`, `below 5`, `above 0.2 or below 0.05`, `failing`. */
export function thresholdText(condition: Pick<WatchCondition, 'source' | 'above' | 'below'>): string {
  if (condition.source.kind === 'health') return 'failing';
  const sides = [
    condition.above === undefined ? undefined : `above ${showValue(condition.above)}`,
    condition.below === undefined ? undefined : `below ${showValue(condition.below)}`,
  ];
  return sides.filter((side) => side !== undefined).join(' or ');
}

/** `above 0.2 for 30s`: the threshold with its window. */
export function ruleText(condition: Pick<WatchCondition, 'source' | 'above' | 'below' | 'forMs'>): string {
  // showDuration writes 0 as 0ms; rewind.yaml's "at once" is for: 0s.
  return `${thresholdText(condition)} for ${condition.forMs === 0 ? '0s' : showDuration(condition.forMs)}`;
}

/** The whole condition as rewind.yaml says it: `query "..." above 0.2 for 30s`, `health check failing for 15s`. */
export function conditionLabel(condition: Omit<WatchCondition, 'label'>): string {
  return `${sourceText(condition.source)} ${ruleText(condition)}`;
}

/** A reading's number, short and as Prometheus spells the odd ones: 0.5, 0.333333, NaN, +Inf, -Inf. */
export function showValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(Number(value.toPrecision(6)));
}

/** How long something held, to a tenth of a second, rounded down (1999ms held is not yet 2.0s): 1.2s, 2.0s, 2m 5s. */
export function showHeld(ms: number): string {
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m ${seconds}s`;
}
