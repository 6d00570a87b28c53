import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { RewindError } from '../core/errors.js';
import { findChainBreak, type ChainBreak } from '../core/auditHash.js';
import { loadBetterSqlite3 } from './betterSqlite3.js';
import { ledgerError } from './errors.js';
import { countHistory, readHistory, schemaMismatch, writeHistory, type HistoryCounts, type HistoryRows } from './history.js';
import { migrateLedger } from './migrate.js';
import { createPool } from './postgres.js';
import { takeWriteLock } from './postgresLock.js';
import { postgresLabel } from './postgresUrl.js';
import { rowToAudit } from './rows.js';
import type { AuditTable } from './tables.js';

export interface LedgerCopy {
  /** Rows copied per table. */
  copied: HistoryCounts;
  /** Where the source's audit chain was already broken; the copy keeps it as it was. */
  auditBreak: ChainBreak | undefined;
}

/**
 * Copy a SQLite ledger's whole history into an empty PostgreSQL ledger, in
 * one transaction: all of it or none of it. The source is opened read-only
 * and never changed.
 */
export async function copySqliteToPostgres(file: string, url: string): Promise<LedgerCopy> {
  const rows = await readSqliteHistory(file);
  const copied = await fillPostgres(url, rows);
  const auditBreak = findChainBreak(rows.audit.map((row) => rowToAudit(row as unknown as AuditTable)));
  return { copied, auditBreak };
}

async function readSqliteHistory(file: string): Promise<HistoryRows> {
  if (!existsSync(file)) {
    throw new RewindError('LEDGER_COPY_REFUSED', `ledger copy: there is no SQLite ledger at ${file}: name one with --from FILE`, {
      from: file,
    });
  }
  let raw: BetterSqlite3.Database;
  try {
    raw = new (loadBetterSqlite3())(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw ledgerError(file, 'opening', error);
  }
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }) });
  try {
    const mismatch = await schemaMismatch(db);
    if (mismatch) throw new RewindError('LEDGER_COPY_REFUSED', `ledger copy: ${file} ${mismatch}; nothing was written`, { from: file });
    return await readHistory(db);
  } catch (error) {
    throw ledgerError(file, 'reading', error);
  } finally {
    await db.destroy();
  }
}

async function fillPostgres(url: string, rows: HistoryRows): Promise<HistoryCounts> {
  const label = postgresLabel(url);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: () => createPool(url, { poolSize: 1 }) }) });
  try {
    await migrateLedger(db, label);
    return await db.transaction().execute(async (trx) => {
      // Another machine may be writing to this ledger already; hold every writer off until the copy commits.
      await takeWriteLock(trx);
      const present = await countHistory(trx);
      if (Object.values(present).some((n) => n > 0)) {
        throw new RewindError(
          'LEDGER_COPY_REFUSED',
          `ledger copy: ${label} already holds history (${describeCounts(present)}): ` +
            'a copy only fills an empty ledger, so two histories are never mixed; nothing was written',
          { to: label, present },
        );
      }
      return writeHistory(trx, rows);
    });
  } catch (error) {
    throw ledgerError(label, 'copying', error);
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

export function describeCounts(counts: HistoryCounts): string {
  return `${counts.releases} releases, ${counts.runs} runs, ${counts.steps} steps, ${counts.audit} audit events`;
}
