import type { LiveState } from '../core/driver.js';
import { lastKnownGood, liveRelease } from '../core/lastKnownGood.js';
import type { Release } from '../core/release.js';
import { checkHealth, type HealthResult } from '../verify/httpHealth.js';
import type { EnvDeps } from './deps.js';

export interface StatusReport {
  app: string;
  env: string;
  driver: string;
  /** What the ledger believes is live. */
  live: Release | undefined;
  /** What the target really runs. */
  observed: LiveState;
  lastKnownGood: Release | undefined;
  /** Disagreements between the ledger and the target, one line each. */
  drift: string[];
  /** One health probe now; null when no health check is configured. */
  health: HealthResult | null;
}

/** How long `status` waits for the health endpoint: it reports, it does not verify. */
const STATUS_HEALTH_TIMEOUT_MS = 5000;

export async function status(deps: EnvDeps): Promise<StatusReport> {
  const releases = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  const live = liveRelease(releases);
  const observed = await deps.driver.inspect();
  const drift = [...observed.problems];
  if ((live?.version ?? null) !== observed.version) {
    drift.push(`the ledger says ${live ? `${live.version} is live` : 'nothing is live'}, but the target runs ${observed.version ?? 'nothing'}`);
  }
  const running = releases.find((r) => r.version === observed.version);
  const health = deps.env.health && running
    ? await checkHealth(
        { ...deps.env.health, successes: 1, timeout: Math.min(deps.env.health.timeout, STATUS_HEALTH_TIMEOUT_MS) },
        { version: running.version, sha: running.sha },
        { fetch: deps.fetch },
      )
    : null;
  return {
    app: deps.app,
    env: deps.envName,
    driver: deps.driver.kind,
    live,
    observed,
    lastKnownGood: lastKnownGood(releases, live),
    drift,
    health,
  };
}
