import { lockKey } from '../../core/lock.js';
import type { Run } from '../../core/run.js';
import { takeEnvLock } from '../../engine/envLock.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';
import { withCleanup } from '../firstError.js';
import { notResumable } from '../savedPlan.js';
import { carryOutWatch, type WatchRequest, type WatchResult } from './watchRelease.js';

/**
 * Go on with a watch whose process died: under the lock again, until the
 * end of its window (the time it was down was not watched, and windows start
 * again: a condition must hold for its whole `for` once more), or carry on
 * the tier-1 rollback it had started. A watch waiting for a human is not
 * resumed: a rollback or a dismissal settles it.
 */
export async function resumeWatch(deps: EnvDeps, run: Run, request: Pick<WatchRequest, 'autoApprove'> = {}): Promise<WatchResult> {
  if (run.status === 'paused') {
    throw notResumable(run, `waits for a decision: roll back with \`rewind rollback --apply\`, or dismiss it with ` +
      `\`rewind watch --dismiss ${run.id} --reason "..."\``);
  }
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), run.id);
  const fenced: EnvDeps = { ...deps, ledger: lock.ledger };
  return withCleanup(async () => {
    await audit(fenced, 'watch.resumed', 'started', { version: run.fromVersion }, run.id);
    return await carryOutWatch(fenced, run, lock, request);
  }, () => lock.release(), 'giving the environment lock back failed', (line) => deps.events({ type: 'note', text: line }));
}
