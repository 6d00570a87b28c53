import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { WriteTransaction } from './kyselyLedger.js';
import type { Database } from './tables.js';

/** How long a writer waits for another writer before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Take SQLite's write lock (BEGIN IMMEDIATE), waiting up to `timeoutMs`.
 *
 * The waiting is done here, asynchronously, rather than by SQLite's
 * busy_timeout: better-sqlite3 is synchronous, so a busy wait inside SQLite
 * would block the event loop, and when the lock holder is another ledger
 * handle in this same process it could never finish: both would stall until
 * the timeout. busy_timeout is restored afterwards for everything else.
 */
export async function beginImmediate(exec: (statement: string) => Promise<unknown>, timeoutMs = BUSY_TIMEOUT_MS): Promise<void> {
  await exec('pragma busy_timeout = 0');
  try {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await exec('begin immediate');
        return;
      } catch (error) {
        if (!isBusy(error)) throw error;
        if (Date.now() >= deadline) {
          throw new Error(`another writer held the ledger's write lock for more than ${timeoutMs / 1000}s`, { cause: error });
        }
        await sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()));
      }
    }
  } finally {
    await exec(`pragma busy_timeout = ${timeoutMs}`);
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** One BEGIN IMMEDIATE ... COMMIT on kysely's single SQLite connection. */
export function sqliteWriteTransaction(db: Kysely<Database>): WriteTransaction {
  return (work) =>
    db.connection().execute(async (conn) => {
      await beginImmediate((statement) => sql.raw(statement).execute(conn));
      try {
        const result = await work(conn);
        await sql.raw('commit').execute(conn);
        return result;
      } catch (error) {
        await sql.raw('rollback').execute(conn).catch(() => undefined);
        throw error;
      }
    });
}
