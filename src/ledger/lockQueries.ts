import type { Kysely, Selectable } from 'kysely';
import type { LockHolder } from '../core/lock.js';
import type { Database, LocksTable } from './tables.js';

/** Lock queries; writers run inside the store's write transaction, so check-then-write is atomic. */

export async function acquireLock(trx: Kysely<Database>, key: string, holder: LockHolder, replacing?: string): Promise<LockHolder | null> {
  const current = await getLock(trx, key);
  if (current && current.runId !== replacing) return current;
  const row = {
    key,
    run_id: holder.runId,
    user: holder.user,
    host: holder.host,
    pid: holder.pid,
    since: holder.since,
    expires_at: holder.expiresAt,
  };
  if (current) await trx.updateTable('locks').set(row).where('key', '=', key).execute();
  else await trx.insertInto('locks').values(row).execute();
  return null;
}

export async function renewLock(trx: Kysely<Database>, key: string, runId: string, expiresAt: string): Promise<boolean> {
  const result = await trx
    .updateTable('locks')
    .set({ expires_at: expiresAt })
    .where('key', '=', key)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseLock(trx: Kysely<Database>, key: string, runId: string): Promise<void> {
  await trx.deleteFrom('locks').where('key', '=', key).where('run_id', '=', runId).execute();
}

export async function getLock(db: Kysely<Database>, key: string): Promise<LockHolder | undefined> {
  const row = await db.selectFrom('locks').selectAll().where('key', '=', key).executeTakeFirst();
  return row ? rowToLock(row) : undefined;
}

function rowToLock(row: Selectable<LocksTable>): LockHolder {
  return { runId: row.run_id, user: row.user, host: row.host, pid: Number(row.pid), since: row.since, expiresAt: row.expires_at };
}
