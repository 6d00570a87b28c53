import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * better-sqlite3, loaded when a SQLite ledger is first opened rather than at
 * start-up: --help, --version and a PostgreSQL ledger do without it. Through
 * require, not import(): the bundle cannot import() the packages it leaves
 * out (see scripts/bundle.ts).
 */
export function loadBetterSqlite3(): typeof BetterSqlite3 {
  return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
}
