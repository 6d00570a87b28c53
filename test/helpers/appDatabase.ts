/**
 * An app's database for the migration tests: a throw-away PostgreSQL database
 * (see postgres.ts) with the two questions those tests ask of it.
 */
import type { TestContext } from 'node:test';
import pg from 'pg';
import { postgresSkip, withTempDatabase as tempPostgres } from './postgres.js';

export interface AppDatabase {
  name: string;
  url: string;
  /** Run one query against it (a fresh connection each time: tests are short). */
  query: <T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  columns: (table: string) => Promise<string[]>;
}

/**
 * A database of its own for one test, dropped when the test ends. Without a
 * server the test is skipped loudly (undefined), except in CI, where it fails.
 */
export async function withTempDatabase(t: TestContext): Promise<AppDatabase | undefined> {
  const skip = await postgresSkip();
  if (skip !== false) {
    t.skip(skip);
    return undefined;
  }
  const { name, url } = await tempPostgres(t);
  const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    name,
    url,
    query,
    columns: async (table) => (await query<{ column_name: string }>("select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position", [table])).map((r) => r.column_name),
  };
}
