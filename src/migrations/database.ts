import type pg from 'pg';
import { RewindError } from '../core/errors.js';

/**
 * One short connection per operation: migrations are rare and slow next to a
 * connect, and a held connection would outlive a crashed run.
 */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  // Imported on first use: the CLI starts without pg unless it connects to PostgreSQL.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    // The message of a failed connect can name the host but never the password; the URL itself stays out.
    throw new RewindError('MIGRATION_FAILED', `cannot connect to the app database: ${messageOf(error)}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Run `work` in a transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function tableExists(client: pg.Client, table: string): Promise<boolean> {
  const result = await client.query<{ found: string | null }>('select to_regclass($1)::text as found', [table]);
  return result.rows[0]?.found != null;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
