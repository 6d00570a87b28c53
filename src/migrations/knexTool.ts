import { join } from 'node:path';
import { RewindError } from '../core/errors.js';
import type { MigrationSource, MigrationTool } from '../core/migrations/tool.js';
import type { Exec, Files } from '../core/ports.js';
import { tableExists, withClient } from './database.js';
import { runTool } from './runTool.js';

const MIGRATION_FILE = /^(.+)\.(c?js|mjs|ts)$/;

export interface KnexToolOptions {
  databaseUrl: () => string;
  /** The variable the release's knexfile reads the connection string from. */
  urlVariable: string;
  dir: string;
  /** Runs the release's own knex on the first host. */
  exec: Exec;
  files: Pick<Files, 'readFile' | 'list' | 'exists'>;
}

/**
 * knex migrations, run by the release's own knex CLI in its release dir (so
 * its knexfile and its version of knex are used), while what is applied is
 * read from knex's own table. Ids are file names without their extension.
 */
export function createKnexTool(options: KnexToolOptions): MigrationTool {
  const applied = async (): Promise<string[]> => withClient(options.databaseUrl(), async (client) => {
    if (!(await tableExists(client, 'knex_migrations'))) return [];
    return (await client.query<{ name: string }>('select name from knex_migrations order by id')).rows.map((r) => idOf(r.name));
  });
  const knex = (releaseDir: string, args: string[], what: string) =>
    runTool(
      options.exec,
      [join(releaseDir, 'node_modules', '.bin', 'knex'), ...args],
      releaseDir,
      { [options.urlVariable]: options.databaseUrl() },
      what,
    );
  const fileOf = async (id: string, releaseDir: string): Promise<string | undefined> =>
    (await options.files.list(join(releaseDir, options.dir))).find((name) => MIGRATION_FILE.exec(name)?.[1] === id);

  return {
    kind: 'knex',
    assertUsable: () => void options.databaseUrl(),
    applied: () => applied(),
    async migrate(releaseDir) {
      if (!(await options.files.exists(join(releaseDir, options.dir)))) {
        throw new RewindError('MIGRATIONS_MISCONFIGURED', `migrations.dir: ${join(releaseDir, options.dir)} does not exist`);
      }
      const before = new Set(await applied());
      await knex(releaseDir, ['migrate:latest'], 'knex migrate:latest');
      return (await applied()).filter((id) => !before.has(id));
    },
    async revert(id, releaseDir) {
      const file = await fileOf(id, releaseDir);
      if (!file) {
        throw new RewindError('MIGRATION_FAILED', `${id} has no file in ${join(releaseDir, options.dir)}: its down step cannot be run`);
      }
      await knex(releaseDir, ['migrate:down', file], `knex migrate:down ${file}`);
      return `knex migrate:down ${file}`;
    },
    async source(id, releaseDir): Promise<MigrationSource> {
      const file = await fileOf(id, releaseDir);
      const text = file ? ((await options.files.readFile(join(releaseDir, options.dir, file))) ?? '') : '';
      return { id, down: downPart(text), downPath: file ? join(options.dir, file) : null, markerText: text, language: 'js' };
    },
    // knex's table is knex's: an operator who reverted by hand runs knex's own tooling for it.
    forget: async () => undefined,
  };
}

function idOf(name: string): string {
  return MIGRATION_FILE.exec(name)?.[1] ?? name;
}

/** The down function's text: everything from its declaration on (the up function comes first by convention). */
export function downPart(text: string): string | null {
  const match =
    /(exports\.down|module\.exports\.down|export\s+(?:async\s+)?function\s+down|export\s+const\s+down|\bdown\s*[:(])/.exec(text);
  return match ? text.slice(match.index) : null;
}
