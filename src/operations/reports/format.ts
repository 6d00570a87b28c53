import { redact } from '../../core/redact.js';

/** Seconds with millisecond precision, as a number for JSON and CSV. */
export function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** For people: `250 ms`, `4.2 s`. */
export function humanDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `14:30:05 UTC`, with the date in front when it is not `day` (a run that crossed midnight). */
export function clockTime(iso: string, day?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const full = date.toISOString();
  const time = `${full.slice(11, 19)} UTC`;
  return day !== undefined && full.slice(0, 10) !== day ? `${full.slice(0, 10)} ${time}` : time;
}

/** `2026-04-19`, in UTC. */
export function utcDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso.slice(0, 10) : date.toISOString().slice(0, 10);
}

/** To the second: sub-second precision is noise in a log or a spreadsheet. */
export function utcStamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19)}Z`;
}

/** Every string anywhere inside a JSON-able value, redacted; the structure is kept. */
export function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, secrets)]));
  }
  return value;
}
