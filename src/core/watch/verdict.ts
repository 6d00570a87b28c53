/**
 * The verdict over one condition's readings, after argo-rollouts'
 * assessMetricStatus, but over a time window rather than a count of
 * measurements. Pure: readings and the time come in as arguments.
 *
 * Each reading either holds (the value is past the threshold), is clear, is
 * inconclusive (NaN; no data under no_data: inconclusive) or is an error (no
 * answer). The rules:
 * - breached: the latest usable (non-error) reading holds, and so has every
 *   usable reading back to one taken at least `forMs` before it. The window
 *   is closed at both ends by holding readings, so it is what was observed:
 *   time with no reading (a late tick, probe errors) never counts as held.
 * - A non-holding reading (clear or inconclusive) anywhere in the window
 *   starts it again: a flapping value never breaches. An error reading
 *   neither breaks nor extends it: one lost scrape does not reset a minute
 *   of evidence, and a run of errors is judged on its own (below).
 * - error: at least `errorLimit` errors in a row up to now (the tier acts
 *   anyway: a probe that cannot see is never a pass).
 * - inconclusive: no usable reading yet, or the latest usable one is
 *   inconclusive.
 * - ok otherwise, including a holding streak not yet as long as the window.
 * Breached comes before error: a window that held is the stronger evidence.
 */
import { showDuration } from '../configParts.js';
import { ruleText, showHeld, showValue, sourceText, thresholdText } from './conditionText.js';
import type { ConditionVerdict, Measurement, NoDataPolicy, WatchCondition } from './measurement.js';

export interface VerdictPolicy {
  noData: NoDataPolicy;
  errorLimit: number;
}

type Reading = 'holds' | 'clear' | 'inconclusive' | 'error';

/** What one reading says about the condition. */
export function classifyReading(condition: WatchCondition, reading: Measurement, noData: NoDataPolicy): Reading {
  switch (reading.kind) {
    case 'error':
      return 'error';
    case 'empty':
      return noData === 'fail' ? 'holds' : noData === 'pass' ? 'clear' : 'inconclusive';
    case 'value':
      return valueHolds(condition, reading.value);
  }
}

function valueHolds(condition: WatchCondition, value: number): Reading {
  // NaN compares false with everything: it would read as clear, a silent pass.
  if (Number.isNaN(value)) return 'inconclusive';
  // A health condition reads 1 while the check fails, 0 while it passes.
  const above = condition.source.kind === 'health' ? 0 : condition.above;
  const below = condition.source.kind === 'health' ? undefined : condition.below;
  const holds = (above !== undefined && value > above) || (below !== undefined && value < below);
  return holds ? 'holds' : 'clear';
}

/** The verdict at `now` over `readings` (oldest first; readings after `now` are not yet seen). */
export function assessCondition(
  condition: WatchCondition,
  readings: readonly Measurement[],
  now: number,
  policy: VerdictPolicy,
): ConditionVerdict {
  const seen = readings.filter((reading) => reading.at <= now);
  const kinds = seen.map((reading) => classifyReading(condition, reading, policy.noData));
  let usableIndex = kinds.length - 1;
  while (usableIndex >= 0 && kinds[usableIndex] === 'error') usableIndex -= 1;
  const errors = kinds.length - 1 - usableIndex;
  const usable = seen[usableIndex];
  const latest = seen[seen.length - 1];
  const value = latest?.kind === 'value' ? latest.value : null;

  const holdingSince = usable === undefined ? null : streakStart(seen, kinds, usableIndex);
  const held = usable !== undefined && holdingSince !== null ? usable.at - holdingSince : 0;
  const source = sourceText(condition.source);
  const text = new ReasonText(condition, source, policy, usable);
  const lastError = latest?.kind === 'error' ? latest.message : '';

  const verdict = (state: ConditionVerdict['state'], reason: string): ConditionVerdict => ({
    state,
    value,
    holdingSince,
    errors,
    reason: oneLine(reason),
  });
  if (holdingSince !== null && held >= condition.forMs) return verdict('breached', text.breached(held));
  if (errors >= policy.errorLimit) {
    return verdict('error', `${source}: ${errors} probe errors in a row (error_limit ${policy.errorLimit}): ${lastError}`);
  }
  const afterErrors = errors === 0 ? '' : `; then ${errorCount(errors, policy.errorLimit)}: ${lastError}`;
  if (usable === undefined) {
    const why = errors === 0 ? 'no reading yet' : `${errorCount(errors, policy.errorLimit)}: ${lastError}`;
    return verdict('inconclusive', `${source}: ${why}`);
  }
  if (kinds[usableIndex] === 'inconclusive') return verdict('inconclusive', `${text.inconclusive()}${afterErrors}`);
  if (holdingSince !== null) return verdict('ok', `${text.holding(held)}${afterErrors}`);
  return verdict('ok', `${text.clear()}${afterErrors}`);
}

/** When the unbroken run of holding readings that ends at `end` began (errors skipped), or null when `end` does not hold. */
function streakStart(seen: readonly Measurement[], kinds: readonly Reading[], end: number): number | null {
  let since: number | null = null;
  for (let i = end; i >= 0; i -= 1) {
    if (kinds[i] === 'error') continue;
    if (kinds[i] !== 'holds') break;
    since = (seen[i] as Measurement).at;
  }
  return since;
}

function errorCount(errors: number, limit: number): string {
  return `${errors} probe error${errors === 1 ? '' : 's'} in a row (the tier acts at ${limit})`;
}

/** The one-line reasons, naming the condition as its label does, with the reading that decided. */
class ReasonText {
  constructor(
    private readonly condition: WatchCondition,
    private readonly source: string,
    private readonly policy: VerdictPolicy,
    private readonly usable: Measurement | undefined,
  ) {}

  breached(held: number): string {
    const window = this.condition.forMs === 0 ? 'at once' : `held ${showHeld(held)}`;
    return words(this.source, this.observed(), ruleText(this.condition), `(${window})`);
  }

  holding(held: number): string {
    const progress = `holding for ${showHeld(held)} of ${showDuration(this.condition.forMs)}`;
    return words(this.source, this.observed(), `${thresholdText(this.condition)},`, progress);
  }

  clear(): string {
    if (this.condition.source.kind === 'health') return `${this.source} passing`;
    const observed = this.observed();
    return words(this.source, observed.endsWith(':') ? observed : `${observed},`, `not ${thresholdText(this.condition)}`);
  }

  inconclusive(): string {
    if (this.usable?.kind === 'empty') return words(this.source, this.observed(), 'inconclusive');
    return words(this.source, `${this.observed()}:`, 'inconclusive (NaN is neither above nor below a number)');
  }

  /** What the deciding reading said: `= 0.5`, `has no data (no_data: fail):`; nothing for health (the rule says failing). */
  private observed(): string {
    const reading = this.usable;
    if (reading?.kind === 'empty') return `has no data (no_data: ${this.policy.noData}):`;
    if (reading?.kind !== 'value' || this.condition.source.kind === 'health') return '';
    return `= ${showValue(reading.value)}`;
  }
}

function words(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
