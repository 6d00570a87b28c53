import { redact } from '../../core/redact.js';

export type CsvValue = string | number | boolean | null;

/**
 * A spreadsheet reads a cell that starts with one of these as a formula
 * (`=HYPERLINK(...)`, `@SUM(...)`, `-2+3`), and tab or carriage return can
 * hide one behind them; the full-width forms are read the same by some.
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One field of every CSV file rewind writes. Redacted first (doubling a
 * quote inside a secret would let it slip past a later pass); then text that
 * a spreadsheet would run as a formula gets a leading `'`, which it shows as
 * text (OWASP's advice for CSV injection); numbers are numbers, never
 * touched. Last, RFC 4180: a field holding a comma, a quote or a line break
 * is quoted, with quotes doubled.
 */
export function csvField(value: CsvValue, secrets: readonly string[] = []): string {
  if (value === null) return '';
  const redacted = redact(String(value), secrets);
  const text = typeof value === 'string' && FORMULA_START.test(redacted) ? `'${redacted}` : redacted;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its line ending. */
export function csvLine(values: readonly CsvValue[], secrets: readonly string[] = []): string {
  return `${values.map((v) => csvField(v, secrets)).join(',')}\n`;
}
