import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { resumeRun, type ResumeResult } from '../../operations/resumeRun.js';
import { confirmChange } from '../confirm.js';
import { globalsOf, withEnvironment } from '../context.js';
import type { CliIO, GlobalOptions } from '../io.js';
import { OTP_OPTION } from '../oneTimePassword.js';
import { showDeploy } from '../views/deployView.js';
import { showRollback } from '../views/rollbackView.js';
import { showWatch } from '../views/watchView.js';

export function registerResume(program: Command, io: CliIO): void {
  program
    .command('resume')
    .description('continue a run that stopped (its process died, it waited for approval, or it paused for a manual migration)')
    .argument('<run>', 'the run id (rewind history lists them)')
    .option('--auto-approve', 'approve it now if it needs approval (recorded in the audit log)')
    .option('--yes', 'confirm that the manual step a paused run waits for is done (without it you are asked)')
    .option(...OTP_OPTION)
    .action(async (runId: string, options: { autoApprove?: boolean; yes?: boolean; otp?: string }, command: Command) => {
      const globals = globalsOf(command);
      const confirmManual = (question: string) => confirmChange(io, question, options.yes === true);
      const resumed = await withEnvironment(
        io,
        globals,
        (deps) => resumeRun(deps, runId, { autoApprove: options.autoApprove === true, confirmManual }),
        { warmHosts: true, otp: options.otp },
      );
      io.exitCode = showResumed(io, globals, resumed);
    });
}

/** Show a resumed run like the command that started it would have; returns its exit code. */
export function showResumed(io: CliIO, globals: GlobalOptions, resumed: ResumeResult): number {
  if (resumed.kind === 'deploy') return showDeploy(io, globals, resumed.result);
  if (resumed.kind === 'watch') return showWatch(io, globals, resumed.result);
  showRollback(io, globals, resumed.result);
  return resumed.result.ok ? EXIT.ok : (resumed.result.error?.exitCode ?? EXIT.runFailed);
}
