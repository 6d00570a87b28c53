import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

/** The server the project's machines run; REWIND_TEST_PG_URL points elsewhere. */
export const ADMIN_URL = process.env.REWIND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempDatabase {
  name: string;
  url: string;
  /** Run one query against it (a fresh connection each time: tests are short). */
  query: <T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;
  columns: (table: string) => Promise<string[]>;
}

let reachable: Promise<string | null> | undefined;

/** null when the server answers, else why not. */
function serverProblem(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * A database of its own for one test, `rewind_mig_<random>`, dropped when the
 * test ends (its connections terminated first). Without a server the test is
 * skipped loudly, except in CI, where it fails.
 */
export async function withTempDatabase(t: TestContext): Promise<TempDatabase | undefined> {
  const problem = await serverProblem();
  if (problem !== null) {
    const message = `PostgreSQL is not reachable at ${ADMIN_URL}: ${problem}`;
    if (process.env.CI === 'true') throw new Error(message);
    console.error(`SKIPPED (no PostgreSQL): ${message}`);
    t.skip(message);
    return undefined;
  }
  const name = `rewind_mig_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  t.after(() => admin(async (c) => {
    await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await c.query(`drop database if exists ${name}`);
  }));
  const url = urlFor(name);
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

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
