import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Ledger } from '../core/ports.js';
import { ledgerError } from './errors.js';
import { createKyselyLedger } from './kyselyLedger.js';
import { migrateLedger } from './migrate.js';
import { postgresWriteTransaction } from './postgresLock.js';
import type { LedgerAudit } from './releaseAudit.js';
import { postgresLabel } from './postgresUrl.js';
import type { Database } from './tables.js';

export interface PostgresLedgerOptions {
  /** Connections per handle; one CLI process needs few (writes are serialised anyway). */
  poolSize?: number;
  /** How long to wait for the server to accept a connection. */
  connectTimeoutMs?: number;
  /** How long a writer waits for another writer (on any machine) before giving up. */
  lockTimeoutMs?: number;
  /** The key of a keyed audit chain, and who the ledger's own entries (release changes) are by. */
  audit?: LedgerAudit;
}

/** Like SQLite's busy timeout: long enough for any real write, short enough to fail before a user gives up. */
export const PG_LOCK_TIMEOUT_MS = 10_000;

/**
 * Open the PostgreSQL ledger at `url` and upgrade its schema. Several
 * processes (on several machines) may open one database at once: kysely's
 * migrator takes a session advisory lock and runs the migrations in one
 * transaction, so only one of them creates the tables.
 */
export async function openPostgresLedger(url: string, options: PostgresLedgerOptions = {}): Promise<Ledger> {
  const label = postgresLabel(url);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => createPool(url, options) }) });
  try {
    await migrateLedger(db, label);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw ledgerError(label, 'opening', error);
  }
  return createKyselyLedger({ db, label, writeTransaction: postgresWriteTransaction(db), audit: options.audit });
}

/**
 * Exported for `ledger copy`, which needs a pool of its own for one long transaction.
 * pg is imported here, when a pool is first needed, not with this module: loading it
 * costs every run of the CLI (it even loads Node's fetch), and only PostgreSQL users need it.
 */
export async function createPool(url: string, options: PostgresLedgerOptions = {}): Promise<pg.Pool> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 10_000,
    lock_timeout: options.lockTimeoutMs ?? PG_LOCK_TIMEOUT_MS,
    application_name: 'rewind',
  });
  // An idle connection the server closed (restart, failover) must not crash
  // the process: the pool drops it and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}
