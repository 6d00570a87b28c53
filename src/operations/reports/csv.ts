import { redact } from '../../core/redact.js';

export type CsvValue = string | number | boolean | null;

/**
 * RFC 4180: a field holding a comma, a quote or a line break is quoted, with
 * quotes doubled. Redacted first: doubling a quote inside a secret would
 * otherwise let it slip past a later pass.
 */
export function csvField(value: CsvValue, secrets: readonly string[] = []): string {
  if (value === null) return '';
  const text = redact(String(value), secrets);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its line ending. */
export function csvLine(values: readonly CsvValue[], secrets: readonly string[] = []): string {
  return `${values.map((v) => csvField(v, secrets)).join(',')}\n`;
}
