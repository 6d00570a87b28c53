import type { AuditEvent } from '../core/run.js';
import type { EnvDeps } from '../operations/deps.js';
import { verifyAuditRecord, type AuditRecordVerdict } from '../operations/verifyAudit.js';

export interface AuditView {
  verdict: AuditRecordVerdict;
  /** A page of entries, newest first. */
  entries: AuditEvent[];
  /** The seq to page on from, or null at the oldest entry. */
  next: number | null;
}

/**
 * The audit log as the dashboard shows it. Checking the chain reads it
 * whole, so the verdict is kept until the head moves: a page view costs one
 * indexed read of the head, not a walk of years of entries.
 */
export function auditView(deps: EnvDeps): (before: number, limit: number) => Promise<AuditView> {
  let cached: { head: string; verdict: AuditRecordVerdict; newestFirst: AuditEvent[] } | undefined;
  return async (before, limit) => {
    const head = await deps.ledger.auditHead();
    const key = head ? `${head.seq}:${head.hash}` : 'empty';
    if (cached?.head !== key) {
      const [verdict, events] = await Promise.all([verifyAuditRecord(deps), deps.ledger.listAudit()]);
      cached = { head: key, verdict, newestFirst: [...events].sort((a, b) => b.seq - a.seq) };
    }
    const from = Number.isFinite(before) ? cached.newestFirst.filter((e) => e.seq < before) : cached.newestFirst;
    const entries = from.slice(0, limit);
    return { verdict: cached.verdict, entries, next: from.length > limit ? (entries.at(-1)?.seq ?? null) : null };
  };
}
