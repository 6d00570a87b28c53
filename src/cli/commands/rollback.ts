import type { Command } from 'commander';
import { EXIT, RewindError } from '../../core/errors.js';
import { applyRollback, type RollbackResult } from '../../operations/applyRollback.js';
import { cancelRun } from '../../operations/cancelRun.js';
import { planRollbackRun, type PlannedRollback } from '../../operations/planRollbackRun.js';
import { planMarkdown } from '../../operations/reports/planMarkdown.js';
import { confirmChange } from '../confirm.js';
import { globalsOf, withEnvironment } from '../context.js';
import { err, out, printJson, type CliIO } from '../io.js';
import { runJson } from '../views/json.js';

interface RollbackOptions {
  failedDeploymentId?: string;
  targetVersion?: string;
  reason?: string;
  apply?: boolean;
  yes?: boolean;
}

export function registerRollback(program: Command, io: CliIO): void {
  program
    .command('rollback')
    .description('plan a rollback to the last known good release and save it; with --apply carry it out')
    .option('--failed-deployment-id <id>', 'the release being rolled back: a release id or version (default: the live one)')
    .option('--target-version <version>', 'go back to this version instead of the last known good')
    .option('--reason <text>', 'why, for the report')
    .option('--apply', 'carry the plan out (without it nothing on the target changes)')
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: RollbackOptions, command: Command) => {
      const globals = globalsOf(command);
      await withEnvironment(io, globals, async (deps) => {
        const planned = await planRollbackRun(deps, { failed: options.failedDeploymentId, targetVersion: options.targetVersion, reason: options.reason });
        if (!options.apply) {
          if (globals.json) printJson(io, plannedJson(planned));
          else if (!globals.quiet) out(io, `${planMarkdown(planned.plan, planned.run.id)}\nsaved: ${planned.files.planMd}`);
          return;
        }
        if (!globals.json && !globals.quiet) err(io, planMarkdown(planned.plan, planned.run.id, { applying: true }));
        const question = `Roll ${deps.envName} back from ${planned.plan.from.version} to ${planned.plan.to.version}?`;
        if (!(await confirmChange(io, question, options.yes === true))) {
          await cancelRun(deps, planned.run.id, 'declined at the confirmation prompt');
          throw new RewindError('CANCELLED', `rollback ${planned.run.id} cancelled: nothing was changed`);
        }
        const result = await applyRollback(deps, planned);
        if (globals.json) printJson(io, resultJson(result));
        else if (!globals.quiet) out(io, resultSummary(result));
        io.exitCode = result.ok ? EXIT.ok : (result.error?.exitCode ?? EXIT.runFailed);
      });
    });
}

function plannedJson(planned: PlannedRollback): Record<string, unknown> {
  return {
    run_id: planned.run.id,
    plan_id: planned.planId,
    applied: false,
    run: runJson(planned.run),
    plan: planned.plan,
    files: { plan_json: planned.files.planJson, plan_md: planned.files.planMd },
  };
}

function resultJson(result: RollbackResult): Record<string, unknown> {
  return {
    ...plannedJson(result),
    applied: true,
    ok: result.ok,
    run: runJson(result.run),
    live_after: result.liveAfter,
    duration_ms: result.durationMs,
    steps: result.outcomes.map((o) => ({ name: o.name, ok: o.ok, duration_ms: o.durationMs, detail: o.detail })),
    verification: result.verification ?? null,
    error: result.error ? { code: result.error.code, message: result.error.message, exit: result.error.exitCode } : null,
    files: { plan_json: result.files.planJson, plan_md: result.files.planMd, report_md: result.files.reportMd, summary_json: result.files.summaryJson },
  };
}

function resultSummary(result: RollbackResult): string {
  const { plan } = result;
  const seconds = (result.durationMs / 1000).toFixed(2);
  const head = result.ok
    ? `rolled back ${plan.env} from ${plan.from.version} to ${plan.to.version} in ${seconds}s: verified, running ${result.liveAfter ?? 'unknown'}`
    : `rollback ${plan.from.version} -> ${plan.to.version} FAILED after ${seconds}s: ${result.error?.message ?? 'unknown error'}; running ${result.liveAfter ?? 'unknown'}`;
  return `${head}\nreport: ${result.files.reportMd}`;
}
