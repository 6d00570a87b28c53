import type { Ledger } from '../core/ports.js';
import type { AuditEvent } from '../core/run.js';
import { GENESIS_HASH, auditHash } from '../core/auditHash.js';

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  firstBad: { seq: number; reason: string } | null;
}

/**
 * Walk the whole chain (it is global to the ledger, not per environment),
 * oldest first. Seq is not covered by the hash, so reordering is caught by
 * the links: an entry moved to another seq no longer follows its predecessor.
 */
export async function verifyAuditLog(ledger: Pick<Ledger, 'listAudit'>): Promise<AuditVerdict> {
  const events = await ledger.listAudit();
  return { ok: true, entries: events.length, firstBad: null, ...breakOf(events) };
}

function breakOf(events: readonly AuditEvent[]): Partial<AuditVerdict> {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (const event of ordered) {
    const expected = prevSeq + 1;
    // A gap names the entry that is gone, not the innocent one after it.
    if (event.seq !== expected) {
      const reason = event.seq > expected
        ? `missing (the log jumps from ${prevSeq === 0 ? 'the start' : `entry ${prevSeq}`} to entry ${event.seq})`
        : `out of sequence (found seq ${event.seq})`;
      return bad(expected, reason);
    }
    if (event.prevHash !== prevHash) {
      return bad(
        event.seq,
        expected === 1
          ? 'prev_hash is not the genesis hash'
          : `prev_hash does not match entry ${prevSeq}'s hash (removed, inserted or reordered entries)`,
      );
    }
    if (auditHash(prevHash, event) !== event.hash) return bad(event.seq, 'hash does not match its contents (the entry was edited)');
    prevHash = event.hash;
    prevSeq = event.seq;
  }
  return {};
}

function bad(seq: number, reason: string): Partial<AuditVerdict> {
  return { ok: false, firstBad: { seq, reason } };
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
  };
}
