import { readFile } from 'node:fs/promises';
import { RewindError } from '../core/errors.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { getRun } from './lookups.js';
import { planChanges } from './staleness.js';
import type { RollbackPlan } from '../core/plan.js';
import { planIdOf, plannedFromRun, type PlannedRollback } from './planRollbackRun.js';

export type SavedPlanRef = { runId: string } | { planFile: string };

/**
 * A saved plan, to be carried out exactly as it was made: refused when the
 * ledger or what the target runs has changed since (a plan is a value: a
 * stale one is remade, never patched up).
 */
export async function loadSavedPlan(deps: EnvDeps, ref: SavedPlanRef): Promise<PlannedRollback> {
  const run = 'runId' in ref ? await getRun(deps, ref.runId) : await runOfPlanFile(deps, ref.planFile);
  if (run.kind !== 'rollback') throw notResumable(run, `is a ${run.kind} run, not a rollback plan`);
  if (run.env !== deps.envName || run.app !== deps.app) throw notResumable(run, `belongs to ${run.app} ${run.env}: pass --env ${run.env}`);
  if (run.status !== 'planned' && run.status !== 'awaiting_approval') {
    throw notResumable(
      run,
      `is ${run.status}` +
        `${run.status === 'running' || run.status === 'paused' ? `: continue it with \`rewind resume ${run.id}\`` : ''}`,
    );
  }
  const planned = plannedFromRun(deps, run);
  // Checked again under the lock, just before the first write (see staleness.ts): here it fails before any prompt.
  const why = await planChanges(deps, planned.plan);
  if (why !== undefined) throw stale(run, why);
  return planned;
}

async function runOfPlanFile(deps: EnvDeps, file: string): Promise<Run> {
  let saved: { run_id?: unknown; plan_id?: unknown } & Record<string, unknown>;
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as typeof saved;
  } catch (error) {
    throw new RewindError('USAGE', `--plan ${file}: cannot read a plan.json there (${(error as Error).message.split('\n')[0]})`);
  }
  const { run_id: runId, plan_id: _planId, ...planInFile } = saved;
  if (typeof runId !== 'string') throw new RewindError('USAGE', `--plan ${file}: not a rewind plan.json (no run_id)`);
  const run = await getRun(deps, runId);
  // The file is carried out only if it is, to the letter, the plan the ledger saved.
  if (planIdOf(planInFile as unknown as RollbackPlan) !== plannedFromRun(deps, run).planId) {
    throw stale(run, `${file} does not match the plan saved in the ledger (was it edited?)`);
  }
  return run;
}

export function notResumable(run: Run, why: string): RewindError {
  return new RewindError('RUN_NOT_RESUMABLE', `run ${run.id} ${why}`, { runId: run.id, status: run.status });
}

function stale(run: Run, why: string): RewindError {
  return new RewindError('PLAN_STALE', `plan ${run.id} is stale: ${why}; make a new one with \`rewind rollback\``, { runId: run.id });
}
