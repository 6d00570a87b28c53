import { RewindError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';

/** A run the user named, or RUN_NOT_FOUND. */
export async function getRun(deps: Pick<EnvDeps, 'ledger'>, runId: string): Promise<Run> {
  const run = await deps.ledger.getRun(runId);
  if (!run) throw new RewindError('RUN_NOT_FOUND', `no run ${runId} in the ledger (rewind history lists them)`, { runId });
  return run;
}

/** A release a run or plan refers to: gone from the ledger means the ledger was tampered with. */
export async function getRelease(deps: Pick<EnvDeps, 'ledger'>, id: string): Promise<Release> {
  const found = await deps.ledger.getRelease(id);
  if (!found) throw new RewindError('RELEASE_NOT_FOUND', `release ${id} named by the run is not in the ledger`, { releaseId: id });
  return found;
}
