import type { Command } from 'commander';
import { approveRun } from '../../operations/approveRun.js';
import { resumeRun } from '../../operations/resumeRun.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { runJson } from '../views/json.js';
import { showResumed } from './resume.js';

export function registerApprove(program: Command, io: CliIO): void {
  program
    .command('approve')
    .description('approve a run waiting for approval; with --apply carry it out too')
    .argument('<run>', 'the run id the blocked command printed')
    .option('--apply', 'carry the run out now')
    .action(async (runId: string, options: { apply?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      await withEnvironment(io, globals, async (deps) => {
        const run = await approveRun(deps, runId);
        if (options.apply) {
          io.exitCode = showResumed(io, globals, await resumeRun(deps, run.id));
          return;
        }
        if (globals.json) printJson(io, { run_id: run.id, approved_by: run.approvedBy, run: runJson(run) });
        else if (!globals.quiet) out(io, `approved ${run.id} as ${run.approvedBy}: carry it out with \`rewind resume ${run.id}\``);
      });
    });
}
