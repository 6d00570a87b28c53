/**
 * A watch condition judged on one reading taken now (`rewind verify`), not
 * over its `for` window: "breached now" means its threshold holds on this
 * reading. One reading cannot show that it held for the window, and the line
 * says so rather than claim a breach the watch would not yet call. Pure.
 */
import { showDuration } from '../configParts.js';
import { showValue, sourceText, thresholdText } from './conditionText.js';
import type { Measurement, NoDataPolicy, WatchCondition } from './measurement.js';
import { classifyReading } from './verdict.js';

/** ok: clear now; breached: the threshold holds now; inconclusive: empty (no_data: inconclusive) or NaN; error: no answer. */
export type ReadingNowState = 'ok' | 'breached' | 'inconclusive' | 'error';

export interface ReadingNow {
  state: ReadingNowState;
  /** The number read, when there was one (NaN and ±Infinity included). */
  value: number | null;
  /** One line: `query "..." = 0.31 above 0.2 (holds now; for 30s not observed)`. */
  reason: string;
}

export function assessReadingNow(condition: WatchCondition, reading: Measurement, noData: NoDataPolicy): ReadingNow {
  const source = sourceText(condition.source);
  const value = reading.kind === 'value' ? reading.value : null;
  if (reading.kind === 'error') return { state: 'error', value, reason: oneLine(`${source}: ${reading.message}`) };
  const health = condition.source.kind === 'health';
  const observed =
    reading.kind === 'empty' ? `has no data (no_data: ${noData})` : health ? '' : `= ${showValue(reading.value)}`;
  const said = [source, observed].filter((part) => part !== '').join(' ');
  switch (classifyReading(condition, reading, noData)) {
    case 'holds':
      return { state: 'breached', value, reason: `${said}${reading.kind === 'empty' ? ':' : ''} ${holdsNow(condition)}` };
    case 'clear':
      if (health) return { state: 'ok', value, reason: `${source} passing` };
      return { state: 'ok', value, reason: `${said}${reading.kind === 'empty' ? ':' : ','} not ${thresholdText(condition)}` };
    case 'inconclusive':
      if (reading.kind === 'empty') return { state: 'inconclusive', value, reason: `${said}: inconclusive` };
      return { state: 'inconclusive', value, reason: `${said}: inconclusive (NaN is neither above nor below a number)` };
    case 'error':
      // classifyReading calls only an error reading an error, and that returned above.
      return { state: 'error', value, reason: `${source}: no answer` };
  }
}

/** `above 0.2 (holds now; for 30s not observed)`; a `for: 0s` condition is breached by one reading, and says nothing more. */
function holdsNow(condition: WatchCondition): string {
  const window = condition.forMs === 0 ? 'holds now' : `holds now; for ${showDuration(condition.forMs)} not observed`;
  return `${thresholdText(condition)} (${window})`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
