/**
 * Reading back the CSV files rewind writes (RFC 4180, see csv.ts), leniently:
 * they are read to recover a history, so a damaged last line (a crash
 * mid-append) is dropped rather than failing the whole file.
 */
export function csvRecords(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  // What follows the last line ending is a half-written record unless it closes cleanly.
  if (!quoted && (field.length > 0 || row.length > 0)) rows.push([...row, field]);
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** Records as objects keyed by the header's names; rows with another number of fields are dropped. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = csvRecords(text);
  if (!header) return [];
  return rows
    .filter((r) => r.length === header.length)
    .map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] as string])));
}
