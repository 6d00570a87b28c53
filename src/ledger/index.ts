export { openSqliteLedger, sqliteLedgerIsBlank } from './sqlite.js';
export { createKyselyLedger, type KyselyLedgerOptions, type WriteTransaction } from './kyselyLedger.js';
export { migrateLedger, appliedMigrations } from './migrate.js';
export { MIGRATIONS, MIGRATION_NAMES, LATEST_MIGRATION } from './migrations/index.js';
export type { Database } from './tables.js';
export { openPostgresLedger, type PostgresLedgerOptions } from './postgres.js';
export { postgresLabel, postgresSecrets } from './postgresUrl.js';
export type { LedgerAudit } from './releaseAudit.js';
