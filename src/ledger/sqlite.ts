import { stat } from 'node:fs/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Ledger } from '../core/ports.js';
import { loadBetterSqlite3 } from './betterSqlite3.js';
import { ledgerError } from './errors.js';
import { createKyselyLedger } from './kyselyLedger.js';
import { migrateLedger } from './migrate.js';
import type { LedgerAudit } from './releaseAudit.js';
import { BUSY_TIMEOUT_MS, beginImmediate, sqliteWriteTransaction } from './sqliteLock.js';
import type { Database } from './tables.js';

/**
 * Open (creating if needed) the SQLite ledger at `file` and upgrade its
 * schema. The parent directory must exist: creating it is the caller's job,
 * through the write guard.
 */
export async function openSqliteLedger(file: string, options: { audit?: LedgerAudit } = {}): Promise<Ledger> {
  const raw = openRaw(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    await migrateSqlite(raw, db, file);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw ledgerError(file, 'opening', error);
  }
  return createKyselyLedger({ db, label: file, writeTransaction: sqliteWriteTransaction(db), audit: options.audit });
}

/**
 * True when there is no ledger at `file` yet: no file, or one of 0 bytes (a
 * truncated one) with no write-ahead log beside it that could still hold its
 * pages. Opening such a file would create a ledger; this only looks.
 */
export async function sqliteLedgerIsBlank(file: string): Promise<boolean> {
  const size = async (path: string) => (await stat(path).catch(() => undefined))?.size ?? 0;
  return (await size(file)) === 0 && (await size(`${file}-wal`)) === 0;
}

function openRaw(file: string): BetterSqlite3.Database {
  let raw: BetterSqlite3.Database | undefined;
  try {
    raw = new (loadBetterSqlite3())(file);
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL lets readers (status, the dashboard) work while a run writes.
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    return raw;
  } catch (error) {
    raw?.close();
    throw ledgerError(file, 'opening', error);
  }
}

/**
 * Migrate inside one IMMEDIATE transaction: SQLite can roll DDL back, so a
 * failed upgrade leaves the file as it was, and two processes opening a new
 * file at once cannot both create the tables. kysely's migration lock is a
 * no-op for SQLite, hence this.
 */
async function migrateSqlite(raw: BetterSqlite3.Database, db: Kysely<Database>, file: string): Promise<void> {
  await beginImmediate(async (statement) => raw.exec(statement));
  try {
    await migrateLedger(db, file);
    raw.exec('commit');
  } catch (error) {
    if (raw.inTransaction) raw.exec('rollback');
    throw error;
  }
}
