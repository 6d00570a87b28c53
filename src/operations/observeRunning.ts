import type { LiveState } from '../core/driver.js';
import { liveRelease } from '../core/lastKnownGood.js';
import type { Release } from '../core/release.js';
import { releaseServing, type HostEvidence } from '../core/runningEvidence.js';
import type { Target } from '../core/target.js';
import { expandItem } from '../core/template.js';
import type { HealthResult } from '../core/verification.js';
import type { EnvDeps } from './deps.js';
import { observeFleet, onHosts, type FleetState } from './targets.js';

/** What really runs, from the hosts and from the apps themselves. */
export interface RunningObservation {
  /** What `current` says on every host (the driver's inspect), with anything odd about it. */
  fleet: FleetState;
  /** Per host, in config order: the versions `current` and the app show (see core/runningEvidence). */
  hosts: HostEvidence[];
  /** Per host, the one health probe; null when none reports a build (no `health:`, or `expect_version: false`). */
  probes: Record<string, HealthResult | null>;
}

/**
 * A look at which build the app serves, not a verdict on it: one attempt, and a short wait. An
 * answer with the wrong status still says which build answered; no answer is no evidence.
 */
export const SERVED_PROBE_TIMEOUT_MS = 1000;

/**
 * Ask every host what `current` points at and, at the same time, every app which build it serves
 * (one probe each), so that this takes no longer than the slower of the two. Read-only.
 */
export async function observeRunning(
  deps: Pick<EnvDeps, 'targets' | 'fleet' | 'env' | 'verifier' | 'fetch'>,
  releases: readonly Release[],
): Promise<RunningObservation> {
  const [fleet, probed] = await Promise.all([
    observeFleet(deps.targets, deps.fleet.concurrency),
    onHosts(deps.targets, deps.fleet.concurrency, (t) => probeServed(deps, t, releases)),
  ]);
  const probes: Record<string, HealthResult | null> = {};
  const hosts = deps.targets.map((t, i): HostEvidence => {
    const probe = probed[i]?.value ?? null;
    probes[t.name] = probe;
    const current = (fleet.byHost[t.name] as LiveState).version;
    const reported = probe?.reported ?? null;
    return { host: t.name, current, serves: reported === null ? null : (releaseServing(releases, reported, current)?.version ?? null) };
  });
  return { fleet, hosts, probes };
}

async function probeServed(
  deps: Pick<EnvDeps, 'env' | 'verifier' | 'fetch'>,
  target: Target,
  releases: readonly Release[],
): Promise<HealthResult | null> {
  const health = deps.env.health;
  // The probe's verdict is measured against the ledger's live release; only what the app reports is used here.
  const expected = liveRelease(releases) ?? releases[0];
  if (!health || health.expect_version === false || !expected) return null;
  return deps.verifier.checkHealth(
    {
      ...health,
      url: expandItem(health.url, { host: target.address }),
      successes: 1,
      maxAttempts: 1,
      timeout: Math.min(health.timeout, SERVED_PROBE_TIMEOUT_MS),
    },
    { version: expected.version, sha: expected.sha },
    { fetch: deps.fetch },
  );
}
