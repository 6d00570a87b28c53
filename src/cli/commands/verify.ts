import type { Command } from 'commander';
import { verifyNow } from '../../operations/verifyNow.js';
import { globalsOf, withEnvironment } from '../context.js';
import type { CliIO } from '../io.js';
import { showVerifyNow } from '../views/verifyView.js';

export function registerVerify(program: Command, io: CliIO): void {
  program
    .command('verify')
    .description(
      'check the live release once, now: on every host what runs, the health check and the smoke commands, then one reading ' +
        'of every watch: condition; exit 0 when all are ok, 1 when any failed, breached, gave no answer or was inconclusive',
    )
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const report = await withEnvironment(io, globals, (deps) => verifyNow(deps), { warmHosts: true });
      io.exitCode = showVerifyNow(io, globals, report);
    });
}
