/** One figure as shown to people and scripts alike: what it is, how it is computed, from how many. */
export interface Figure {
  /** In the figure's unit (a count, a rate from 0 to 1, milliseconds); null when there is nothing to compute it from. */
  value: number | null;
  /** How it reads: `7.3%`, `median 42.0 s, p90 1.5 min`, `no deploys in the period`. */
  shown: string;
  /** How it is computed, in words. */
  formula: string;
  /** The counts it came from: `3 of 41 deploys`. */
  basis: string;
}

/** `1 deploy`, `3 deploys`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A number for people: no trailing `.0`. */
export function decimal(n: number, places = 1): string {
  return Number(n.toFixed(places)).toString();
}

/** `30 days`, `12 hours`, `90 minutes`. */
export function periodLength(ms: number): string {
  if (ms >= 86_400_000) return count(Number(decimal(ms / 86_400_000)), 'day');
  if (ms >= 3_600_000) return count(Number(decimal(ms / 3_600_000)), 'hour');
  return count(Number(decimal(ms / 60_000)), 'minute');
}

/** `2026-04-30 12:00 UTC`. */
export function minuteStamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
