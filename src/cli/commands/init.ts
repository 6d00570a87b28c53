import type { Command } from 'commander';
import { initConfig } from '../../config/init.js';
import { createGuardedFiles } from '../../exec/guardedFiles.js';
import { globalsOf } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';

export function registerInit(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('write a commented rewind.yaml for this project')
    .option('--app <name>', 'the app name (default: package.json name or the directory name)')
    .option('--force', 'overwrite an existing rewind.yaml')
    .action(async (options: { app?: string; force?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      // The only file init may write is the new rewind.yaml in this directory.
      const files = createGuardedFiles([io.cwd]);
      const { file } = await initConfig({ dir: io.cwd, app: options.app, force: options.force === true, write: (path, text) => files.writeFileAtomic(path, text) });
      if (globals.json) printJson(io, { file });
      else if (!globals.quiet) out(io, `wrote ${file}: edit the production environment, then run \`rewind deploy <version>\``);
    });
}
