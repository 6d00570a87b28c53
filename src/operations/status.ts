import type { LiveState } from '../core/driver.js';
import { expandItem } from '../core/template.js';
import { lastKnownGood, liveRelease } from '../core/lastKnownGood.js';
import type { Release } from '../core/release.js';
import type { HealthResult } from '../core/verification.js';
import type { EnvDeps } from './deps.js';
import { describeFleet, observeFleet, onHosts } from './targets.js';

export interface HostStatus {
  host: string;
  observed: LiveState;
  /** One health probe now; null when no health check is configured or the ledger does not know the version. */
  health: HealthResult | null;
}

export interface StatusReport {
  app: string;
  env: string;
  driver: string;
  /** What the ledger believes is live. */
  live: Release | undefined;
  /** What the environment really runs: every host's version when they agree. */
  observed: LiveState;
  /** Every host; for an environment-scoped driver, the environment alone. */
  hosts: HostStatus[];
  /** host: the driver acts on each host; environment: on the environment as a whole. */
  scope: 'host' | 'environment';
  lastKnownGood: Release | undefined;
  /** Disagreements between the ledger and the hosts, one line each. */
  drift: string[];
  /** The first host's health, or the first unhealthy one's. */
  health: HealthResult | null;
}

/** How long `status` waits for a health endpoint: it reports, it does not verify. */
const STATUS_HEALTH_TIMEOUT_MS = 5000;

export async function status(deps: EnvDeps): Promise<StatusReport> {
  const releases = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  const live = liveRelease(releases);
  const fleet = await observeFleet(deps.targets, deps.fleet.concurrency);
  const several = deps.targets.length > 1;
  const drift = Object.entries(fleet.byHost).flatMap(([host, s]) => s.problems.map((p) => (several ? `${host}: ${p}` : p)));
  const running = describeFleet(fleet.byHost);
  if ((live?.version ?? null) !== fleet.version) {
    drift.push(`the ledger says ${live ? `${live.version} is live` : 'nothing is live'}, but the target runs ${running}`);
  }
  const health = deps.env.health;
  const probes = await onHosts(deps.targets, deps.fleet.concurrency, async (t) => {
    const release = releases.find((r) => r.version === fleet.byHost[t.name]?.version);
    if (!health || !release) return null;
    return deps.verifier.checkHealth(
      {
        ...health,
        url: expandItem(health.url, { host: t.address }),
        successes: 1,
        timeout: Math.min(health.timeout, STATUS_HEALTH_TIMEOUT_MS),
      },
      { version: release.version, sha: release.sha },
      { fetch: deps.fetch },
    );
  });
  const hosts = deps.targets.map((t, i) => ({
    host: t.name,
    observed: fleet.byHost[t.name] as LiveState,
    health: probes[i]?.value ?? null,
  }));
  const first = hosts[0];
  return {
    app: deps.app,
    env: deps.envName,
    driver: deps.driverKind,
    scope: deps.scope,
    live,
    observed: { version: fleet.version, artifact: several ? null : (first?.observed.artifact ?? null), problems: drift },
    hosts,
    lastKnownGood: lastKnownGood(releases, live),
    drift,
    health: hosts.find((h) => h.health && !h.health.ok)?.health ?? first?.health ?? null,
  };
}
