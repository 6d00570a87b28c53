import { DURATION_BOUNDS, parseDuration, showDuration, type DurationRole } from '../core/configParts.js';
import { RewindError } from '../core/errors.js';

/** A duration given on the command line (`--watch 5m`), held to the same bounds as the config key it stands for. */
export function durationFlag(flag: string, text: string, role: DurationRole): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new RewindError('USAGE', `${flag}: expected a duration such as "30s" or "5m" (got ${JSON.stringify(text)})`);
  }
  const { min, max } = DURATION_BOUNDS[role];
  if (ms < parseDuration(min) || ms > parseDuration(max)) {
    throw new RewindError('USAGE', `${flag}: expected a duration from ${min} to ${max} (got ${showDuration(ms)})`);
  }
  return ms;
}
