import type { Kysely, Selectable } from 'kysely';
import type { LockAcquisition, LockHolder, LockTenure } from '../core/lock.js';
import type { Database, LocksTable } from './tables.js';

/**
 * Lock queries; writers run inside the store's write transaction, so check-then-write is atomic.
 *
 * A lock's row is never deleted: releasing marks it free (an empty run_id),
 * so the next acquisition's generation follows on from the last one. A new
 * row would start again at 1, and a holder that lost the lock could then
 * find "its" generation handed out a second time.
 */
const FREE = '';

export function isFree(row: Selectable<LocksTable>): boolean {
  return row.run_id === FREE;
}

export async function acquireLock(
  trx: Kysely<Database>,
  key: string,
  holder: LockHolder,
  replacing?: string | LockTenure,
): Promise<LockAcquisition> {
  const row = await lockRow(trx, key);
  const current = row && !isFree(row) ? rowToLock(row) : undefined;
  if (current && !replaces(current, replacing)) return { taken: false, holder: current };
  const generation = Number(row?.generation ?? 0) + 1;
  const values = {
    key,
    run_id: holder.runId,
    user: holder.user,
    host: holder.host,
    pid: holder.pid,
    since: holder.since,
    expires_at: holder.expiresAt,
    generation,
  };
  if (row) await trx.updateTable('locks').set(values).where('key', '=', key).execute();
  else await trx.insertInto('locks').values(values).execute();
  return { taken: true, generation };
}

function replaces(current: LockHolder, replacing: string | LockTenure | undefined): boolean {
  if (replacing === undefined) return false;
  if (typeof replacing === 'string') return current.runId === replacing;
  return current.runId === replacing.runId && current.generation === replacing.generation;
}

/** With `generation`, only that acquisition's lease is extended: the same run id taken again (a resume) is another holder. */
export async function renewLock(
  trx: Kysely<Database>,
  key: string,
  runId: string,
  expiresAt: string,
  generation?: number,
): Promise<boolean> {
  let query = trx.updateTable('locks').set({ expires_at: expiresAt }).where('key', '=', key).where('run_id', '=', runId);
  if (generation !== undefined) query = query.where('generation', '=', generation);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseLock(trx: Kysely<Database>, key: string, runId: string, generation?: number): Promise<void> {
  let query = trx.updateTable('locks').set({ run_id: FREE }).where('key', '=', key).where('run_id', '=', runId);
  if (generation !== undefined) query = query.where('generation', '=', generation);
  await query.execute();
}

/** The holder of `key`; undefined when nobody holds it (no row yet, or a free one). */
export async function getLock(db: Kysely<Database>, key: string): Promise<LockHolder | undefined> {
  const row = await lockRow(db, key);
  return row && !isFree(row) ? rowToLock(row) : undefined;
}

export async function lockRow(db: Kysely<Database>, key: string): Promise<Selectable<LocksTable> | undefined> {
  return db.selectFrom('locks').selectAll().where('key', '=', key).executeTakeFirst();
}

function rowToLock(row: Selectable<LocksTable>): LockHolder {
  return {
    runId: row.run_id,
    user: row.user,
    host: row.host,
    pid: Number(row.pid),
    since: row.since,
    expiresAt: row.expires_at,
    generation: Number(row.generation),
  };
}
