import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';

export interface History {
  releases: Release[];
  runs: Run[];
}

/** Releases and runs of this environment, newest first. */
export async function history(deps: Pick<EnvDeps, 'ledger' | 'app' | 'envName'>, limit?: number): Promise<History> {
  const query = { app: deps.app, env: deps.envName, limit };
  const [releases, runs] = await Promise.all([deps.ledger.listReleases(query), deps.ledger.listRuns(query)]);
  return { releases, runs };
}
