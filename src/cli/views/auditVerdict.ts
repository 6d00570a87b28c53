import { formatAuditHead } from '../../core/auditHead.js';
import type { AuditRecordVerdict } from '../../operations/verifyAudit.js';

/**
 * What `audit verify` prints: one line per thing found altered (the first
 * line of each starts `audit log altered:`), else that the log is intact and
 * what it was checked against.
 */
export function auditVerdictLines(verdict: AuditRecordVerdict): string[] {
  const lines = verdict.problems.map((p) => `audit log altered: ${p.releaseId === undefined ? `entry ${p.seq}: ` : ''}${p.reason}`);
  if (verdict.unchecked) lines.push(`audit log not verifiable: ${verdict.unchecked.reason}`);
  if (lines.length > 0) return lines;
  const head = verdict.head ? `, head ${formatAuditHead(verdict.head)}` : '';
  return [`audit log intact: ${verdict.entries} entries${head}`, `${anchorsLine(verdict)}; ${releasesLine(verdict.releasesChecked)}`];
}

function anchorsLine({ anchors }: AuditRecordVerdict): string {
  if (anchors.checked === 0) return 'no recorded head to check it against (reports record one; so does --expect-head)';
  const [first, ...rest] = anchors.sources;
  const where = rest.length === 0 ? first : `${first} and ${rest.length} more`;
  return `checked against ${anchors.checked} recorded head${anchors.checked === 1 ? '' : 's'} (${where})`;
}

function releasesLine(count: number): string {
  return count === 1 ? '1 release matches its audited state' : `${count} releases match their audited state`;
}

/** The one JSON document of `audit verify --json`. */
export function auditVerdictJson(verdict: AuditRecordVerdict): Record<string, unknown> {
  const first = verdict.problems[0];
  return {
    ok: verdict.ok,
    entries: verdict.entries,
    first_bad: first ? { seq: first.seq, reason: first.reason } : null,
    head: verdict.head,
    problems: verdict.problems.map((p) => ({
      seq: p.seq,
      ...(p.releaseId === undefined ? {} : { release_id: p.releaseId }),
      reason: p.reason,
    })),
    anchors: verdict.anchors,
    releases_checked: verdict.releasesChecked,
    unchecked: verdict.unchecked,
  };
}
