import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { drill } from '../../operations/drill.js';
import { globalsOf, withEnvironment } from '../context.js';
import type { CliIO } from '../io.js';
import { showDrill } from '../views/rollbackView.js';

export function registerDrill(program: Command, io: CliIO): void {
  program
    .command('drill')
    .description('a timed dry-run rollback against the real environment, logged to the drill log; nothing changes')
    .option('--failed-deployment-id <id>', 'the release to pretend has failed; it must be running (default: the newest release that runs)')
    .option('--target-version <version>', 'rehearse going back to this version instead of the last known good')
    .option('--reason <text>', 'why, for the drill log')
    .action(async (options: { failedDeploymentId?: string; targetVersion?: string; reason?: string }, command: Command) => {
      const globals = globalsOf(command);
      const result = await withEnvironment(io, globals, (deps) =>
        drill(deps, { failed: options.failedDeploymentId, targetVersion: options.targetVersion, reason: options.reason }));
      showDrill(io, globals, result);
      io.exitCode = result.ok ? EXIT.ok : EXIT.runFailed;
    });
}
