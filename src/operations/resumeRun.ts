import { applyRollback, type ApplyOptions, type RollbackResult } from './applyRollback.js';
import { resumeDeploy, type DeployResult } from './deploy.js';
import type { EnvDeps } from './deps.js';
import { plannedFromRun } from './planRollbackRun.js';
import { getRun } from './lookups.js';
import { notResumable } from './savedPlan.js';
import { familyOf, parentOf } from './unsettledRuns.js';
import { resumeWatch } from './watch/resumeWatch.js';
import type { WatchResult } from './watch/watchRelease.js';

export type ResumeResult =
  | { kind: 'rollback'; result: RollbackResult }
  | { kind: 'deploy'; result: DeployResult }
  | { kind: 'watch'; result: WatchResult };

/**
 * Continue a run that stopped: its process died (`running`, shown as
 * `interrupted`), it waited for approval, or it paused for a manual
 * migration step (continued once `confirmManual` says the operator did it). It ends in the same state as a
 * run that was never interrupted; a run still alive elsewhere holds the
 * environment's lock, so resuming it is refused with LOCK_HELD.
 */
export async function resumeRun(
  deps: EnvDeps,
  runId: string,
  options: Pick<ApplyOptions, 'autoApprove' | 'confirmManual'> = {},
): Promise<ResumeResult> {
  const run = await getRun(deps, runId);
  if (run.env !== deps.envName || run.app !== deps.app) throw notResumable(run, `belongs to ${run.app} ${run.env}: pass --env ${run.env}`);
  if (run.status === 'planned') throw notResumable(run, `is only a plan: carry it out with \`rewind rollback --apply --run ${run.id}\``);
  if (run.status === 'abandoned') throw notResumable(run, `was given up (${run.error ?? 'abandoned'}): start a new run`);
  if (!['running', 'interrupted', 'awaiting_approval', 'paused'].includes(run.status)) {
    throw notResumable(run, `is ${run.status}: there is nothing left to do`);
  }
  if (run.kind === 'deploy') return { kind: 'deploy', result: await resumeDeploy(deps, run) };
  if (run.kind === 'watch') return { kind: 'watch', result: await resumeWatch(deps, run, options) };
  if (run.kind === 'drill') throw notResumable(run, 'is a drill: run `rewind drill` again');
  // A deploy's automatic rollback is finished by its deploy, which then records how the deploy ended.
  const parent = parentOf(run, await familyOf(deps, run));
  if (parent?.kind === 'watch' && parent.status === 'running') return { kind: 'watch', result: await resumeWatch(deps, parent, options) };
  if (parent && ['running', 'paused'].includes(parent.status)) return { kind: 'deploy', result: await resumeDeploy(deps, parent) };
  return { kind: 'rollback', result: await applyRollback(deps, plannedFromRun(deps, run), options) };
}
