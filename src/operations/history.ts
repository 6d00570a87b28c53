import { lockKey } from '../core/lock.js';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { isCarriedOut } from './unsettledRuns.js';

export interface History {
  releases: Release[];
  runs: Run[];
}

/**
 * Releases and runs of this environment, newest first. A run the ledger
 * says is `running` but whose process no longer holds the environment's
 * lock is shown as `interrupted`: `rewind resume` continues it.
 */
export async function history(deps: Pick<EnvDeps, 'ledger' | 'app' | 'envName' | 'clock' | 'self'>, limit?: number): Promise<History> {
  const query = { app: deps.app, env: deps.envName, limit };
  const [releases, runs, lock] = await Promise.all([
    deps.ledger.listReleases(query),
    deps.ledger.listRuns(query),
    deps.ledger.getLock(lockKey(deps.app, deps.envName)),
  ]);
  return {
    releases,
    runs: runs.map((run) => (run.status === 'running' && !isCarriedOut(run, runs, lock, deps) ? { ...run, status: 'interrupted' } : run)),
  };
}
