import { RewindError } from '../core/errors.js';
import type { Run, StepRecord } from '../core/run.js';
import type { PlanStep } from '../core/plan.js';
import { journalReached } from '../engine/executePlan.js';
import type { EnvDeps } from './deps.js';
import { describeFleet, observeFleet } from './targets.js';

/**
 * A resumed run that had already switched hosts must find them still on its
 * release. If another run moved the environment since, finishing this one
 * would verify and record the wrong thing: it ends as failed, and says so.
 */
export async function refuseIfMoved(
  deps: EnvDeps,
  run: Run,
  journal: readonly StepRecord[],
  plan: readonly PlanStep[],
  version: string,
): Promise<void> {
  if (!journalReached(plan, journal, 'switch')) return;
  const fleet = await observeFleet(deps.targets, deps.fleet.concurrency);
  if (Object.values(fleet.byHost).some((state) => state.version === version)) return;
  const why = `since run ${run.id} stopped, ${deps.envName} now runs ${describeFleet(fleet.byHost)}, not ${version}: start a new run`;
  await deps.ledger.updateRun(run.id, { status: 'failed', finishedAt: deps.clock.now().toISOString(), error: why });
  throw new RewindError('RUN_NOT_RESUMABLE', why, { runId: run.id });
}
