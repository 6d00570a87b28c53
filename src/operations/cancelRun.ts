import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';

/** A planned run the operator declined: it ends `cancelled`, having changed nothing. */
export async function cancelRun(deps: EnvDeps, runId: string, why: string): Promise<void> {
  await deps.ledger.updateRun(runId, { status: 'cancelled', finishedAt: deps.clock.now().toISOString(), error: why });
  await audit(deps, 'run.cancelled', 'cancelled', { why }, runId);
}
