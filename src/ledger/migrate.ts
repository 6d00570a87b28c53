import { DEFAULT_MIGRATION_TABLE, Migrator, type Kysely } from 'kysely';
import { RewindError } from '../core/errors.js';
import { ledgerError } from './errors.js';
import { LATEST_MIGRATION, MIGRATION_NAMES, MIGRATIONS, staticMigrationProvider } from './migrations/index.js';

/**
 * Bring a ledger's schema up to `target` (the newest this code knows, by
 * default). Refuses a ledger that has migrations this code has never heard
 * of: an older rewind writing to a newer schema could corrupt it silently.
 *
 * Dialect-neutral; a store that needs the whole upgrade in one lock or
 * transaction wraps this call (kysely's own lock does that for PostgreSQL).
 */
export async function migrateLedger(db: Kysely<any>, label: string, target: string = LATEST_MIGRATION): Promise<void> {
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !Object.hasOwn(MIGRATIONS, name));
  if (unknown.length > 0) {
    throw new RewindError(
      'LEDGER_ERROR',
      `ledger ${label} has schema ${unknown[unknown.length - 1]}, newer than this rewind knows (up to ${LATEST_MIGRATION}): ` +
        'upgrade rewind to use it',
      { ledger: label, unknownMigrations: unknown, latestKnown: LATEST_MIGRATION },
    );
  }
  // Every command opens the ledger, nearly always up to date: no migrator then.
  const wanted = MIGRATION_NAMES.slice(0, MIGRATION_NAMES.indexOf(target) + 1);
  if (wanted.length > 0 && applied.length === wanted.length && applied.every((name, index) => name === wanted[index])) return;
  // Names sort by code unit; localeCompare (kysely's default) would also cost a collator's start-up.
  const migrator = new Migrator({ db, provider: staticMigrationProvider, nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0) });
  const { error, results } = await migrator.migrateTo(target);
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw ledgerError(label, failed ? `schema migration ${failed}` : 'schema migration', error);
  }
}

/** Names of the migrations recorded in the ledger, oldest first; none for a new ledger. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === DEFAULT_MIGRATION_TABLE)) return [];
  const rows = await db.selectFrom(DEFAULT_MIGRATION_TABLE).select('name').orderBy('name').execute();
  return rows.map((row: { name: string }) => row.name);
}
