import type { Command } from 'commander';
import { deploy } from '../../operations/deploy.js';
import { globalsOf, withEnvironment } from '../context.js';
import type { CliIO } from '../io.js';
import { OTP_OPTION } from '../oneTimePassword.js';
import { showDeploy } from '../views/deployView.js';

export function registerDeploy(program: Command, io: CliIO): void {
  program
    .command('deploy')
    .description('make a release, switch to it, reload, verify; roll back by itself when verification fails')
    .argument('<version>', 'the version to deploy (a git ref, or the name used in the source path)')
    .option('--no-auto-rollback', 'keep the failed release current instead of going back')
    .option('--reason <text>', 'why, for the history')
    .option(...OTP_OPTION)
    .action(async (version: string, options: { autoRollback: boolean; reason?: string; otp?: string }, command: Command) => {
      const globals = globalsOf(command);
      const result = await withEnvironment(
        io,
        globals,
        (deps) => deploy(deps, { version, autoRollback: options.autoRollback, reason: options.reason }),
        { warmHosts: true, otp: options.otp },
      );
      io.exitCode = showDeploy(io, globals, result);
    });
}
