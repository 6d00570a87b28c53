import type { Run } from '../../core/run.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';

/**
 * A rollback from a release that a watch paused on (a tier-2 breach) is the
 * decision that watch waited for: once the rollback succeeded, the watch is
 * settled as failed, naming the rollback, and no longer holds the environment.
 */
export async function settleAwaitedWatches(deps: EnvDeps, rollback: Run): Promise<void> {
  if (rollback.fromReleaseId === null) return;
  const query = { app: deps.app, env: deps.envName, toReleaseId: rollback.fromReleaseId };
  const paused = await deps.ledger.listRuns({ ...query, statuses: ['paused'] });
  const waiting = paused.filter((r) => r.kind === 'watch');
  for (const watch of waiting) {
    const error = `${watch.error?.split('; waiting for a decision')[0] ?? 'a tier-2 condition held'}; rolled back by ${rollback.id} ` +
      `(${rollback.requestedBy})`;
    await deps.ledger.updateRun(watch.id, { status: 'failed', finishedAt: deps.clock.now().toISOString(), error });
    await audit(deps, 'watch.decided', 'rolled_back', { rollback: rollback.id }, watch.id);
  }
}
