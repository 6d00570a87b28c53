import type { Files } from '../../core/ports.js';

/**
 * Append one row to a CSV file, writing the header first when the file is new
 * (or empty). A row for a run that is already there is not added again: a
 * report re-rendered for the same run must not count it twice. Returns
 * whether the row was added.
 */
export async function appendCsvRow(files: Files, path: string, header: string, row: string, runId: string): Promise<boolean> {
  const existing = (await files.readFile(path)) ?? '';
  if (existing.length > 0 && hasRun(existing, runId)) return false;
  // A half-written last line (a crash mid-append) must not swallow this row.
  const separator = existing.length > 0 && !existing.endsWith('\n') ? '\n' : '';
  await files.appendFile(path, `${existing.length === 0 ? header : separator}${row}`);
  return true;
}

/** run_id is the second column in every file rewind keeps, and ids never need quoting. */
function hasRun(csv: string, runId: string): boolean {
  return csv.split(/\r?\n/).some((line) => line.split(',')[1] === runId);
}
