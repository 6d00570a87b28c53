import type { Command } from 'commander';
import { EXIT, RewindError } from '../../core/errors.js';
import { applyRollback } from '../../operations/applyRollback.js';
import { cancelRun } from '../../operations/cancelRun.js';
import { drill } from '../../operations/drill.js';
import type { OpenEnvironment } from '../../wiring/openEnvironment.js';
import { planRollbackRun, type PlannedRollback } from '../../operations/planRollbackRun.js';
import { planMarkdown } from '../../operations/reports/planMarkdown.js';
import { loadSavedPlan } from '../../operations/savedPlan.js';
import { confirmChange } from '../confirm.js';
import { OTP_OPTION } from '../oneTimePassword.js';
import { globalsOf, withEnvironment } from '../context.js';
import { err, out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { plannedJson, showDrill, showRollback } from '../views/rollbackView.js';

interface RollbackOptions {
  failedDeploymentId?: string;
  targetVersion?: string;
  reason?: string;
  apply?: boolean;
  yes?: boolean;
  autoApprove?: boolean;
  dryRun?: boolean;
  plan?: string;
  run?: string;
  deprecateFailed?: string;
  otp?: string;
  /** A fresh plan carried out without a prompt: nothing can have moved in between. */
  justPlanned?: boolean;
}

export function registerRollback(program: Command, io: CliIO): void {
  program
    .command('rollback')
    .description('plan a rollback to the last known good release and save it; with --apply carry it out')
    .option(
      '--failed-deployment-id <id>',
      'the release being rolled back: a release id or version that runs (default: the newest release that runs)',
    )
    .option('--target-version <version>', 'go back to this version instead of the last known good')
    .option('--reason <text>', 'why, for the report')
    .option('--apply', 'carry the plan out (without it nothing on the target changes)')
    .option('--plan <file>', 'with --apply: carry out this saved plan.json exactly (refused if stale)')
    .option('--run <id>', 'with --apply: carry out the plan saved as this run (refused if stale)')
    .option('--yes', 'do not ask for confirmation')
    .option('--auto-approve', 'approve a plan that needs approval (recorded in the audit log)')
    .option('--dry-run', 'a drill: check what can be checked, simulate every change')
    .option('--deprecate-failed <message>', 'once the target is verified, deprecate the failed version with this message (npm)')
    .option(...OTP_OPTION)
    .action(async (options: RollbackOptions, command: Command) => {
      const globals = globalsOf(command);
      if ((options.plan || options.run) && !options.apply) {
        throw new RewindError('USAGE', '--plan and --run name a saved plan to carry out: add --apply');
      }
      if ((options.plan || options.run) && options.dryRun) {
        throw new RewindError('USAGE', '--dry-run makes a fresh plan: leave out --plan and --run');
      }
      if ((options.plan || options.run) && options.deprecateFailed !== undefined) {
        throw new RewindError('USAGE', '--deprecate-failed is a step of the plan: give it when planning, not with --plan or --run');
      }
      if (options.plan && options.run) throw new RewindError('USAGE', 'name the saved plan once: --plan FILE or --run ID');
      await withEnvironment(io, globals, async (deps) => {
        const request = {
          failed: options.failedDeploymentId, targetVersion: options.targetVersion, reason: options.reason,
          deprecateFailed: options.deprecateFailed,
        };
        if (options.dryRun) {
          const result = await drill(deps, request);
          showDrill(io, globals, result);
          io.exitCode = result.ok ? EXIT.ok : EXIT.runFailed;
          return;
        }
        const saved = options.plan ? { planFile: options.plan } : options.run ? { runId: options.run } : undefined;
        const planned = saved ? await loadSavedPlan(deps, saved) : await planRollbackRun(deps, request);
        deps.events({ type: 'phase', what: `plan ${planned.run.id} saved` });
        if (!options.apply) {
          if (globals.json) printJson(io, plannedJson(planned));
          else if (!globals.quiet) out(io, `${planMarkdown(planned.plan, planned.run.id)}\nsaved: ${planned.files.planMd}`);
          return;
        }
        await applyConfirmed(io, globals, deps, planned, { ...options, justPlanned: saved === undefined && options.yes === true });
      }, { warmHosts: true, otp: options.otp });
    });
}

async function applyConfirmed(
  io: CliIO,
  globals: GlobalOptions,
  deps: OpenEnvironment,
  planned: PlannedRollback,
  options: RollbackOptions,
): Promise<void> {
  if (!globals.json && !globals.quiet) err(io, planMarkdown(planned.plan, planned.run.id, { applying: true }));
  const question = `Roll ${deps.envName} back from ${planned.plan.from.version} to ${planned.plan.to.version}?`;
  if (!(await confirmChange(io, question, options.yes === true))) {
    await cancelRun(deps, planned.run.id, 'declined at the confirmation prompt');
    throw new RewindError('CANCELLED', `rollback ${planned.run.id} cancelled: nothing was changed`);
  }
  const result = await applyRollback(deps, planned, { autoApprove: options.autoApprove === true, justPlanned: options.justPlanned });
  showRollback(io, globals, result);
  io.exitCode = result.ok ? EXIT.ok : (result.error?.exitCode ?? EXIT.runFailed);
}
