import type { Kysely } from 'kysely';
import { appliedMigrations } from './migrate.js';
import { LATEST_MIGRATION, MIGRATION_NAMES } from './migrations/index.js';

/**
 * Row-level access to a ledger's whole history, for copying it between
 * stores. Rows move as they are stored (ids, seq, hashes untouched), so the
 * copy's audit chain verifies exactly as the original's does.
 */

/** Tables that hold history, each before the tables that reference it (steps -> runs). */
export const HISTORY_TABLES = ['releases', 'runs', 'steps', 'audit', 'pipeline_phases', 'pipeline_rollbacks'] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];

/** Tables deliberately left behind: a lock belongs to a process on the old store; migrations are redone by the target. */
export const NOT_HISTORY_TABLES = ['locks', 'kysely_migration', 'kysely_migration_lock'] as const;

export type HistoryRows = Record<HistoryTable, Record<string, unknown>[]>;
export type HistoryCounts = Record<HistoryTable, number>;

const ORDER: Record<HistoryTable, string[]> = {
  releases: ['seq'],
  runs: ['seq'],
  steps: ['run_id', 'idx'],
  audit: ['seq'],
  pipeline_phases: ['app', 'phase'],
  pipeline_rollbacks: ['seq'],
};

/** Rows per insert: far below PostgreSQL's 65535 bound parameters for the widest table. */
const BATCH = 200;

export async function readHistory(db: Kysely<any>): Promise<HistoryRows> {
  const rows = {} as HistoryRows;
  for (const table of HISTORY_TABLES) {
    let query = db.selectFrom(table).selectAll();
    for (const column of ORDER[table]) query = query.orderBy(column);
    rows[table] = await query.execute();
  }
  return rows;
}

/** Insert every row; run it inside one transaction so a failure leaves the target as it was. */
export async function writeHistory(trx: Kysely<any>, rows: HistoryRows): Promise<HistoryCounts> {
  for (const table of HISTORY_TABLES) {
    for (let at = 0; at < rows[table].length; at += BATCH) {
      await trx.insertInto(table).values(rows[table].slice(at, at + BATCH)).execute();
    }
  }
  const counts = {} as HistoryCounts;
  for (const table of HISTORY_TABLES) counts[table] = rows[table].length;
  return counts;
}

/** How many rows each history table holds (a SQL count, so large tables are not read). */
export async function countHistory(db: Kysely<any>): Promise<HistoryCounts> {
  const counts = {} as HistoryCounts;
  for (const table of HISTORY_TABLES) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    // PostgreSQL's count is a bigint, which pg returns as a string.
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}


/**
 * Why a ledger's schema differs from this rewind's, or undefined when it is
 * the same: rows are copied column for column, so both ends must match.
 */
export async function schemaMismatch(db: Kysely<any>): Promise<string | undefined> {
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !MIGRATION_NAMES.includes(name));
  if (unknown.length > 0) {
    return `has schema ${unknown[unknown.length - 1]}, newer than this rewind knows (up to ${LATEST_MIGRATION}): upgrade rewind`;
  }
  if (applied.length < MIGRATION_NAMES.length) {
    return (
      `has schema ${applied[applied.length - 1] ?? 'none'}, older than this rewind's ${LATEST_MIGRATION}: ` +
      'open it once with this rewind (rewind history) to upgrade it'
    );
  }
  return undefined;
}
