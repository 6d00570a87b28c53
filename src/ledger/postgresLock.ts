import { sql, type Kysely } from 'kysely';
import type { WriteTransaction } from './kyselyLedger.js';
import type { Database } from './tables.js';

/**
 * The advisory lock every ledger writer takes, in every process on every
 * machine sharing the database. Advisory lock keys are per database, so
 * one constant is enough; it only has to differ from kysely's migration lock.
 */
export const LEDGER_WRITE_LOCK_KEY = 0x72657764; // "rewd"

/**
 * A transaction that first takes the ledger's write lock, held until commit
 * or rollback. The audit chain (read the head, append after it), the next
 * seq and lock acquisition (check, then write) all read before they write;
 * READ COMMITTED alone would let two writers read the same head. Waiting is
 * bounded by the connection's lock_timeout.
 */
export function postgresWriteTransaction(db: Kysely<Database>): WriteTransaction {
  return (work) =>
    db.transaction().execute(async (trx) => {
      await takeWriteLock(trx);
      return work(trx);
    });
}

export async function takeWriteLock(trx: Kysely<any>): Promise<void> {
  try {
    await sql`select pg_advisory_xact_lock(${sql.lit(LEDGER_WRITE_LOCK_KEY)})`.execute(trx);
  } catch (error) {
    if ((error as { code?: unknown }).code === '55P03') {
      throw new Error("another writer held the ledger's write lock for longer than the lock timeout", { cause: error });
    }
    throw error;
  }
}
