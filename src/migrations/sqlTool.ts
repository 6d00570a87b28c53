import { join } from 'node:path';
import { RewindError } from '../core/errors.js';
import type { MigrationSource, MigrationTool } from '../core/migrations/tool.js';
import type { Files } from '../core/ports.js';
import { inTransaction, messageOf, tableExists, withClient } from './database.js';

/** rewind's own record of what it applied, in the app's database. */
const TABLE = 'rewind_migrations';
const CREATE = `create table if not exists ${TABLE} (seq bigserial, id text primary key, applied_at timestamptz not null default now())`;
const UP_FILE = /^(\d+_[A-Za-z0-9_.-]+?)\.sql$/;

export interface SqlToolOptions {
  /** The connection string; throws when its variable is not set. */
  databaseUrl: () => string;
  /** The migrations dir, relative to a release dir. */
  dir: string;
  /** Reads the release's files (on the host that has them). */
  files: Pick<Files, 'readFile' | 'list' | 'exists'>;
}

/**
 * Plain SQL files, applied and reverted by rewind itself over `pg`, each file
 * in a transaction of its own together with the row that records it, so a
 * failing file leaves the database and the record as they were.
 */
export function createSqlTool(options: SqlToolOptions): MigrationTool {
  const dirOf = (releaseDir: string) => join(releaseDir, options.dir);
  const applied = async (): Promise<string[]> => withClient(options.databaseUrl(), async (client) => {
    if (!(await tableExists(client, TABLE))) return [];
    return (await client.query<{ id: string }>(`select id from ${TABLE} order by seq`)).rows.map((r) => r.id);
  });
  const read = async (releaseDir: string, file: string) => options.files.readFile(join(dirOf(releaseDir), file));

  return {
    kind: 'sql',
    assertUsable: () => void options.databaseUrl(),
    applied: () => applied(),
    async migrate(releaseDir) {
      const ids = await upIds(options, dirOf(releaseDir));
      const url = options.databaseUrl();
      const done = new Set(await applied());
      const now: string[] = [];
      await withClient(url, async (client) => {
        await client.query(CREATE);
        for (const id of ids.filter((i) => !done.has(i))) {
          const text = (await read(releaseDir, `${id}.sql`)) ?? '';
          try {
            await inTransaction(client, async () => {
              await client.query(text);
              await client.query(`insert into ${TABLE} (id) values ($1)`, [id]);
            });
          } catch (error) {
            throw new RewindError(
              'MIGRATION_FAILED',
              `migration ${id} failed: ${messageOf(error)} (applied by this deploy before it: ${now.join(', ') || 'none'})`,
              { applied: now },
            );
          }
          now.push(id);
        }
      });
      return now;
    },
    async revert(id, releaseDir) {
      const text = await read(releaseDir, `${id}.down.sql`);
      if (text === undefined) {
        throw new RewindError(
          'MIGRATION_FAILED',
          `${id} has no down step (${join(options.dir, `${id}.down.sql`)} is missing in ${releaseDir})`,
        );
      }
      await withClient(options.databaseUrl(), async (client) => {
        try {
          await inTransaction(client, async () => {
            await client.query(text);
            await client.query(`delete from ${TABLE} where id = $1`, [id]);
          });
        } catch (error) {
          throw new RewindError('MIGRATION_FAILED', `the down step of ${id} failed: ${messageOf(error)}`);
        }
      });
      return `ran ${join(options.dir, `${id}.down.sql`)} in a transaction`;
    },
    async source(id, releaseDir): Promise<MigrationSource> {
      const [up, down] = await Promise.all([read(releaseDir, `${id}.sql`), read(releaseDir, `${id}.down.sql`)]);
      return {
        id,
        down: down ?? null,
        downPath: down === undefined ? null : join(options.dir, `${id}.down.sql`),
        markerText: `${up ?? ''}\n${down ?? ''}`,
        language: 'sql',
      };
    },
    async forget(id) {
      await withClient(options.databaseUrl(), async (client) => {
        if (await tableExists(client, TABLE)) await client.query(`delete from ${TABLE} where id = $1`, [id]);
      });
    },
  };
}

async function upIds(options: SqlToolOptions, dir: string): Promise<string[]> {
  if (!(await options.files.exists(dir))) throw new RewindError('MIGRATIONS_MISCONFIGURED', `migrations.dir: ${dir} does not exist`);
  return (await options.files.list(dir))
    .filter((name) => !name.endsWith('.down.sql'))
    .map((name) => UP_FILE.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort();
}
