import { auditHeadFrom, formatAuditHead, type AuditHead } from '../../core/auditHead.js';

/**
 * report.md's audit head line, `audit head: 17:<64 hex>`, written and read
 * here only: `audit verify` finds it in every report.md under the reports dir.
 */
export function auditHeadLine(head: AuditHead): string {
  return `audit head: ${formatAuditHead(head)}`;
}

const LINE = /^- audit head: (\d+):([0-9a-f]{64})$/m;

/** The head a report.md records, if it has the line. */
export function auditHeadInReport(text: string): AuditHead | undefined {
  const match = LINE.exec(text);
  return match ? auditHeadFrom({ seq: Number(match[1]), hash: match[2] }) : undefined;
}
