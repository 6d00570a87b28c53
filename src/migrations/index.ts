import type { MigrationsConfig } from '../config/schema/migrations.js';
import { RewindError } from '../core/errors.js';
import type { MigrationTool } from '../core/migrations/tool.js';
import type { Exec, Files } from '../core/ports.js';
import { createCommandTool } from './commandTool.js';
import { createKnexTool } from './knexTool.js';
import { createSqlTool } from './sqlTool.js';

export interface MigrationToolHost {
  /** Where knex and command tools run: the environment's first host. */
  exec: Exec;
  files: Pick<Files, 'readFile' | 'list' | 'exists'>;
}

/**
 * The environment's migration tool. The connection string is read from
 * rewind's own environment when first needed, so commands that never touch
 * the database (status, history) work without it.
 */
export function createMigrationTool(config: MigrationsConfig, host: MigrationToolHost, processEnv: NodeJS.ProcessEnv): MigrationTool {
  const databaseUrl = (): string => {
    const url = processEnv[config.database_url_env];
    if (!url) {
      throw new RewindError(
        'MIGRATIONS_MISCONFIGURED',
        `migrations.database_url_env: the variable ${config.database_url_env} is not set: ` +
          "it must hold the app database's connection string",
      );
    }
    return url;
  };
  if (config.tool === 'sql') return createSqlTool({ databaseUrl, dir: config.dir, files: host.files });
  if (config.tool === 'knex') {
    return createKnexTool({ databaseUrl, urlVariable: config.database_url_env, dir: config.dir, exec: host.exec, files: host.files });
  }
  return createCommandTool({ config, databaseUrl, exec: host.exec, files: host.files });
}
