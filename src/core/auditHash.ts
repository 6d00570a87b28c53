/**
 * The audit log's hash chain, defined once. The ledger fills the hashes when
 * it appends and `rewind audit verify` recomputes them, so both must use the
 * very same function: it is a rule about data (node:crypto computes, it
 * touches no file, network or process), which is why it is core and not a
 * port that two implementations could disagree on.
 *
 * An unkeyed entry's hash is sha256, which anyone can recompute after an
 * edit. With `audit.key_env` the chain is keyed: an entry's hash is an
 * HMAC-SHA256 under a key only rewind's environment holds, and the entry
 * names the key by a fingerprint (`keyId`), so recomputing needs the key.
 */
import { createHash, createHmac } from 'node:crypto';
import { RewindError } from './errors.js';
import type { AuditEvent, NewAuditEvent } from './run.js';

/** The prevHash of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * An HMAC key for the chain. The secret stays inside `mac`'s closure: the
 * value can be logged or serialised without it (it shows only the id).
 */
export interface AuditKey {
  /** A fingerprint naming the key (16 hex digits of an HMAC of a fixed label); it does not reveal the key. */
  readonly id: string;
  /** HMAC-SHA256 of `data` under the key, as hex. */
  mac(data: string): string;
}

/** Shorter keys are refused: an HMAC is only as strong as its key is hard to guess. */
export const MIN_AUDIT_KEY_LENGTH = 16;

export function auditKey(secret: string): AuditKey {
  const id = createHmac('sha256', secret).update('rewind audit key id').digest('hex').slice(0, 16);
  return Object.freeze({ id, mac: (data: string) => createHmac('sha256', secret).update(data).digest('hex') });
}

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

/**
 * The fields an entry's hash covers; seq is left out because the chain itself
 * orders entries. The key id is covered when there is one (so it cannot be
 * dropped or swapped alone) and absent otherwise, so unkeyed entries hash as
 * they always did.
 */
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
    ...(event.keyId ? { keyId: event.keyId } : {}),
  };
}

/**
 * The hash over the previous entry's hash followed by this entry's canonical
 * JSON: sha256 for an unkeyed entry, HMAC-SHA256 under `key` for a keyed one
 * (whose keyId must be that key's).
 */
export function auditHash(prevHash: string, event: NewAuditEvent, key?: AuditKey): string {
  const data = prevHash + canonicalJson(hashedFields(event));
  if (!event.keyId) return createHash('sha256').update(data).digest('hex');
  if (key?.id !== event.keyId) {
    throw new RewindError('INTERNAL', `audit entry keyed with key ${event.keyId} hashed with ${key ? `key ${key.id}` : 'no key'}`);
  }
  return key.mac(data);
}

/** Can this entry's hash be recomputed with `key` (or without one)? */
export function canHash(event: Pick<AuditEvent, 'keyId'>, key: AuditKey | undefined): boolean {
  return !event.keyId || key?.id === event.keyId;
}

export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * The first entry (in seq order) whose links do not hold, or undefined when
 * the whole chain verifies. Accepts entries in any order. A keyed entry whose
 * key is not given has only its links checked.
 */
export function findChainBreak(events: readonly AuditEvent[], key?: AuditKey): ChainBreak | undefined {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (const event of ordered) {
    if (event.seq !== prevSeq + 1) return { seq: event.seq, reason: `expected seq ${prevSeq + 1}, found ${event.seq}` };
    if (event.prevHash !== prevHash) return { seq: event.seq, reason: 'prevHash does not match the previous entry' };
    if (canHash(event, key) && auditHash(prevHash, event, key) !== event.hash) {
      return { seq: event.seq, reason: 'hash does not match the entry' };
    }
    prevHash = event.hash;
    prevSeq = event.seq;
  }
  return undefined;
}
