/**
 * PostgreSQL for tests: the server already listening on loopback (trust
 * auth), one throw-away database per test. Tests that need it skip with a
 * loud message when it is absent, except in CI (CI=true), where they run and
 * fail, so a missing server can never pass for a green build.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

/** The one place the admin URL lives; REWIND_TEST_PG_URL overrides it. */
export const PG_ADMIN_URL = process.env.REWIND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempDatabase {
  name: string;
  /** The admin URL pointing at this database. */
  url: string;
}

let reachable: Promise<string | undefined> | undefined;

/** undefined when the server answers, else why not. Asked once per process. */
export function postgresProblem(): Promise<string | undefined> {
  reachable ??= withAdmin(async (client) => {
    await client.query('select 1');
  }).then(
    () => undefined,
    (error: unknown) => (error instanceof Error && error.message ? error.message : String(error)),
  );
  return reachable;
}

/**
 * The `skip` option for a PostgreSQL test: false when the server is there,
 * or under CI (the test then fails on connecting); else a message, printed
 * loudly once so that a skipped store is noticed.
 */
export async function postgresSkip(): Promise<string | false> {
  const problem = await postgresProblem();
  if (problem === undefined || process.env.CI === 'true') return false;
  const message = `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${problem}): PostgreSQL tests SKIPPED (set REWIND_TEST_PG_URL; they fail under CI=true)`;
  if (!warned) {
    warned = true;
    process.stderr.write(`\n*** ${message} ***\n\n`);
  }
  return message;
}
let warned = false;

/** A new empty database for this test, dropped when it ends (connections still open to it are ended first). */
export async function withTempDatabase(t: TestContext): Promise<TempDatabase> {
  const name = `rewind_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  t.after(() => dropDatabase(name));
  return { name, url: databaseUrl(name) };
}

/** The admin URL with another database name. */
export function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Run `fn` with a client connected as the admin to the admin database. */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await client.query(`drop database if exists ${name} with (force)`);
  });
}
