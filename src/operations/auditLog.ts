import type { Ledger } from '../core/ports.js';
import type { AuditEvent } from '../core/run.js';
import type { AuditKey } from '../core/auditHash.js';
import { walkChain } from '../core/auditChain.js';

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  firstBad: { seq: number; reason: string } | null;
}

/**
 * The chain alone: its links and hashes (see walkChain). `rewind audit verify`
 * checks more (anchors, releases): verifyAuditRecord.
 */
export async function verifyAuditLog(ledger: Pick<Ledger, 'listAudit'>, key?: AuditKey): Promise<AuditVerdict> {
  const verdict = walkChain(await ledger.listAudit(), key);
  return { ok: verdict.firstBad === null, entries: verdict.entries, firstBad: verdict.firstBad };
}

/** The audit log as JSON lines, oldest first, with the stored (snake_case) field names. */
export async function exportAuditLog(ledger: Pick<Ledger, 'listAudit'>): Promise<string> {
  const lines = (await auditEntries(ledger)).map((entry) => JSON.stringify(entry));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The entries `exportAuditLog` prints, as objects (for one JSON document under --json). */
export async function auditEntries(ledger: Pick<Ledger, 'listAudit'>): Promise<Record<string, unknown>[]> {
  const events = await ledger.listAudit();
  return [...events].sort((a, b) => a.seq - b.seq).map(auditEntryJson);
}

export function auditEntryJson(event: AuditEvent): Record<string, unknown> {
  return {
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    app: event.app,
    env: event.env,
    run_id: event.runId,
    outcome: event.outcome,
    detail: event.detail,
    prev_hash: event.prevHash,
    hash: event.hash,
    ...(event.keyId ? { key_id: event.keyId } : {}),
  };
}
