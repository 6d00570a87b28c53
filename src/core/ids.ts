/**
 * Ids are readable, sortable and safe in paths: `rollback-20261122-164100-3f2a`.
 * The random part comes from the caller so this stays pure.
 */
export function makeId(prefix: string, at: Date, random: string): string {
  const iso = at.toISOString();
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${prefix}-${stamp}-${random}`;
}
