import type { Command } from 'commander';
import { initProject } from '../../wiring/initProject.js';
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
      const { file } = await initProject({ dir: io.cwd, app: options.app, force: options.force === true });
      if (globals.json) printJson(io, { file });
      else if (!globals.quiet) out(io, `wrote ${file}: edit the production environment, then run \`rewind deploy <version>\``);
    });
}
