import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';

/**
 * When a run settles the environment (it finished, and what runs is what it
 * verified), what earlier runs left half-made is marked for what it is: a
 * release a given-up deploy never finished (`deploying`) is superseded, never
 * "failed" (nothing judged it).
 * The driver's own leftovers (dirs of interrupted builds) go at the next prune.
 */
export async function settleLeftovers(deps: EnvDeps, settledBy: string): Promise<void> {
  const query = { app: deps.app, env: deps.envName };
  const over = (status: string) => !['running', 'paused', 'planned', 'awaiting_approval'].includes(status);
  // Indexed queries: the releases still `deploying`, and for each the runs that made it.
  const deploying = await deps.ledger.listReleases({ ...query, statuses: ['deploying'] });
  const makers = await Promise.all(deploying.map((release) => deps.ledger.listRuns({ ...query, toReleaseId: release.id })));
  const halfMade = deploying.filter((release, i) => {
    const maker = makers[i]?.find((r) => r.kind === 'deploy');
    return maker !== undefined && maker.id !== settledBy && over(maker.status);
  });
  for (const release of halfMade) await deps.ledger.updateRelease(release.id, { status: 'superseded' });
  if (halfMade.length === 0) return;
  await audit(deps, 'environment.settled', 'success', { superseded_releases: halfMade.map((r) => `${r.version} (${r.id})`) }, settledBy);
}
