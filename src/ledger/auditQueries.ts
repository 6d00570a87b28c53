import type { Kysely } from 'kysely';
import type { AuditHead } from '../core/auditHead.js';
import { GENESIS_HASH, auditHash, hashedFields, type AuditKey } from '../core/auditHash.js';
import type { AuditEvent, NewAuditEvent } from '../core/run.js';
import { auditToRow, rowToAudit } from './rows.js';
import type { Database } from './tables.js';

/**
 * Append one entry, linked to the newest one; keyed with `key` when the
 * ledger was opened with one. Must run inside the store's write transaction:
 * reading the head and inserting after it is only safe when no other appender
 * can do the same in between.
 */
export async function appendAudit(trx: Kysely<Database>, event: NewAuditEvent, key?: AuditKey): Promise<AuditEvent> {
  const head = await auditHead(trx);
  const prevHash = head?.hash ?? GENESIS_HASH;
  // Hash and return exactly what will be stored: the JSON round trip drops undefined and turns Dates into strings.
  const detail = JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, unknown>;
  const stored = hashedFields({ ...event, detail, keyId: key?.id });
  const entry: AuditEvent = { ...stored, seq: (head?.seq ?? 0) + 1, prevHash, hash: auditHash(prevHash, stored, key) };
  await trx.insertInto('audit').values(auditToRow(entry)).execute();
  return entry;
}

/** Newest first, like every list in the ledger; `findChainBreak` sorts for itself. */
export async function listAudit(db: Kysely<Database>): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit').selectAll().orderBy('seq', 'desc').execute();
  return rows.map(rowToAudit);
}

export async function auditHead(db: Kysely<Database>): Promise<AuditHead | undefined> {
  const head = await db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head ? { seq: Number(head.seq), hash: head.hash } : undefined;
}
