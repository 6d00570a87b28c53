import { RewindError } from '../core/errors.js';
import type { Run, StepRecord } from '../core/run.js';
import type { EnvDeps } from './deps.js';

/**
 * A resumed run that had already switched the target must find the target
 * still on its release. If another run moved it since, finishing this one
 * would verify and record the wrong thing: it ends as failed, and says so.
 */
export async function refuseIfMoved(deps: EnvDeps, run: Run, journal: readonly StepRecord[], switchName: string, version: string): Promise<void> {
  if (!journal.some((s) => s.name === switchName && s.status === 'succeeded')) return;
  const running = (await deps.driver.inspect()).version;
  if (running === version) return;
  const why = `since run ${run.id} stopped, ${deps.envName} now runs ${running ?? 'nothing'}, not ${version}: start a new run`;
  await deps.ledger.updateRun(run.id, { status: 'failed', finishedAt: deps.clock.now().toISOString(), error: why });
  throw new RewindError('RUN_NOT_RESUMABLE', why, { runId: run.id });
}
