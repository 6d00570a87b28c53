/**
 * A commit's time as git prints it (`git show -s --format=%cI`: strict ISO
 * 8601 with the committer's offset) or as rewind wrote it, in UTC as the
 * ledger keeps every time; null for anything else. The committer date, not the author date: it is when
 * the change was put on the branch that was deployed.
 */
export const COMMIT_TIME_FORMAT = '--format=%cI';

export function commitTime(gitOutput: string): string | null {
  const text = gitOutput.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}
