import type { Kysely } from 'kysely';
import type { AuditEvent, NewAuditEvent } from '../core/run.js';
import { GENESIS_HASH, auditHash, hashedFields } from '../core/auditHash.js';
import { auditToRow, rowToAudit } from './rows.js';
import type { Database } from './tables.js';

/**
 * Append one entry, linked to the newest one. Must run inside the store's
 * write transaction: reading the head and inserting after it is only safe
 * when no other appender can do the same in between.
 */
export async function appendAudit(trx: Kysely<Database>, event: NewAuditEvent): Promise<AuditEvent> {
  const head = await trx.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const prevHash = head?.hash ?? GENESIS_HASH;
  // Hash and return exactly what will be stored: the JSON round trip drops undefined and turns Dates into strings.
  const stored = hashedFields({ ...event, detail: JSON.parse(JSON.stringify(event.detail ?? {})) as Record<string, unknown> });
  const entry: AuditEvent = { ...stored, seq: (head?.seq ?? 0) + 1, prevHash, hash: auditHash(prevHash, stored) };
  await trx.insertInto('audit').values(auditToRow(entry)).execute();
  return entry;
}

/** Newest first, like every list in the ledger; `findChainBreak` sorts for itself. */
export async function listAudit(db: Kysely<Database>): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit').selectAll().orderBy('seq', 'desc').execute();
  return rows.map(rowToAudit);
}
