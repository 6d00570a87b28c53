import { join } from 'node:path';
import type { MigrationsConfig } from '../config/schema/migrations.js';
import type { MigrationSource, MigrationTool } from '../core/migrations/tool.js';
import type { Exec, Files } from '../core/ports.js';
import { expandArgv } from '../core/template.js';
import { runTool } from './runTool.js';

export interface CommandToolOptions {
  config: MigrationsConfig;
  databaseUrl: () => string;
  exec: Exec;
  files: Pick<Files, 'readFile' | 'list' | 'exists'>;
}

/**
 * Any other migration tool, through three commands run in the release dir:
 * `status` prints the applied ids one per line, `up` applies what is
 * pending, `down` reverts `{migration}`.
 */
export function createCommandTool(options: CommandToolOptions): MigrationTool {
  const { config } = options;
  const run = (argv: readonly string[], releaseDir: string, what: string, id?: string) => {
    const expanded = expandArgv(argv, { release_dir: releaseDir })
      .map((item) => (id === undefined ? item : item.replaceAll('{migration}', id)));
    return runTool(options.exec, expanded, releaseDir, { [config.database_url_env]: options.databaseUrl() }, what);
  };
  const applied = async (releaseDir: string) =>
    (await run(config.status ?? [], releaseDir, 'the migrations status command')).split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return {
    kind: 'command',
    assertUsable: () => void options.databaseUrl(),
    applied,
    async migrate(releaseDir) {
      const before = new Set(await applied(releaseDir));
      await run(config.up ?? [], releaseDir, 'the migrations up command');
      return (await applied(releaseDir)).filter((id) => !before.has(id));
    },
    async revert(id, releaseDir) {
      await run(config.down ?? [], releaseDir, `the migrations down command for ${id}`, id);
      return `down command for ${id} exited 0`;
    },
    async source(id, releaseDir): Promise<MigrationSource> {
      // The down command always exists; files named after the id, when there are any, say what it does.
      const dir = join(releaseDir, config.dir);
      const mine = (await options.files.list(dir)).filter((n) => n.startsWith(`${id}.`));
      const down = mine.find((n) => n.startsWith(`${id}.down.`)) ?? mine[0];
      const texts = await Promise.all(mine.map(async (n) => (await options.files.readFile(join(dir, n))) ?? ''));
      const downText = down ? ((await options.files.readFile(join(dir, down))) ?? '') : '';
      return {
        id,
        down: downText || `(${(config.down ?? []).join(' ')})`,
        downPath: down ? join(config.dir, down) : null,
        markerText: texts.join('\n'),
        language: down && /\.(c?js|mjs|ts)$/.test(down) ? 'js' : 'sql',
      };
    },
    forget: async () => undefined,
  };
}
