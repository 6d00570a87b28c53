/**
 * The period metrics are computed over: the last `--since` up to now. Pure:
 * "now" comes in as an argument.
 */
import { RewindError } from '../errors.js';

export interface Period {
  /** As the user wrote it (`30d`): shown with the figures. */
  since: string;
  /** ISO 8601, inclusive at both ends. */
  from: string;
  to: string;
  /** The length in milliseconds: what "per day" and "per week" divide by. */
  lengthMs: number;
}

export const DEFAULT_SINCE = '30d';

const PERIOD = /^(\d+(?:\.\d+)?)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** Ten years: anything longer is a typo, and would page through a whole ledger for nothing. */
const LONGEST_MS = 3650 * UNIT_MS.d;

/** `30d`, `12h`, `2w`, `90m`; refused with one line (exit 2) otherwise. */
export function parseSince(text: string, flag = '--since'): number {
  const match = PERIOD.exec(text.trim());
  const ms = match ? Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > LONGEST_MS) {
    throw new RewindError(
      'USAGE',
      `${flag} ${JSON.stringify(text)} is not a period: expected a number and a unit, m, h, d or w ("30d", "12h", "2w"), up to 3650d`,
    );
  }
  return ms;
}

export function periodEnding(now: Date, since: string): Period {
  const lengthMs = parseSince(since);
  return { since, from: new Date(now.getTime() - lengthMs).toISOString(), to: now.toISOString(), lengthMs };
}

export function inPeriod(period: Pick<Period, 'from' | 'to'>, at: string | null | undefined): boolean {
  if (at === null || at === undefined) return false;
  const t = Date.parse(at);
  return t >= Date.parse(period.from) && t <= Date.parse(period.to);
}
