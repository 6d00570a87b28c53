/**
 * The audit log's hash chain, defined once. The ledger fills the hashes when
 * it appends and `rewind audit verify` recomputes them, so both must use the
 * very same function: it is a rule about data (node:crypto computes, it
 * touches no file, network or process), which is why it is core and not a
 * port that two implementations could disagree on.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, NewAuditEvent } from './run.js';

/** The prevHash of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth, so the same entry always hashes
 * the same however its object was built. Values first go through a JSON
 * round trip: the hash must cover exactly what the ledger stores (no
 * `undefined`, Dates as strings), or a stored entry would not verify.
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = JSON.parse(JSON.stringify(value ?? null));
  return stringifySorted(plain);
}

function stringifySorted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifySorted).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stringifySorted(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields an entry's hash covers; seq is left out because the chain itself orders entries. */
export function hashedFields(event: NewAuditEvent): NewAuditEvent {
  return {
    at: event.at,
    actor: event.actor,
    action: event.action,
    app: event.app,
    env: event.env ?? null,
    runId: event.runId ?? null,
    outcome: event.outcome,
    detail: event.detail ?? {},
  };
}

/** sha256 hex over the previous entry's hash followed by this entry's canonical JSON. */
export function auditHash(prevHash: string, event: NewAuditEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(hashedFields(event))).digest('hex');
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * The first entry (in seq order) whose links do not hold, or undefined when
 * the whole chain verifies. Accepts entries in any order.
 */
export function findChainBreak(events: readonly AuditEvent[]): ChainBreak | undefined {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (const event of ordered) {
    if (event.seq !== prevSeq + 1) return { seq: event.seq, reason: `expected seq ${prevSeq + 1}, found ${event.seq}` };
    if (event.prevHash !== prevHash) return { seq: event.seq, reason: 'prevHash does not match the previous entry' };
    if (auditHash(prevHash, event) !== event.hash) return { seq: event.seq, reason: 'hash does not match the entry' };
    prevHash = event.hash;
    prevSeq = event.seq;
  }
  return undefined;
}
