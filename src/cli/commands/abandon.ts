import type { Command } from 'commander';
import { abandonRun } from '../../operations/abandonRun.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { runJson } from '../views/json.js';

export function registerAbandon(program: Command, io: CliIO): void {
  program
    .command('abandon')
    .description('give up an interrupted or paused run: recorded with who and why; the target is left as it is')
    .argument('<run>', 'the run id (the blocked command and rewind history name it)')
    .requiredOption('--reason <text>', 'why it is given up, for the audit log')
    .action(async (runId: string, options: { reason: string }, command: Command) => {
      const globals = globalsOf(command);
      const result = await withEnvironment(io, globals, (deps) => abandonRun(deps, runId, options.reason));
      if (globals.json) {
        printJson(io, { ok: true, abandoned: result.abandoned.map(runJson), left_running: result.left });
        return;
      }
      if (globals.quiet) return;
      out(io, `abandoned ${result.abandoned.map((r) => r.id).join(' and ')}: the target was left as it is (running ${result.left}); ` +
        'the environment is free for a new deploy or rollback');
    });
}
