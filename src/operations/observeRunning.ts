import { healthUrl } from './healthFor.js';
import type { LiveState } from '../core/driver.js';
import type { Release } from '../core/release.js';
import type { HostEvidence } from '../core/runningEvidence.js';
import type { Target } from '../core/target.js';
import type { HealthResult } from '../core/verification.js';
import type { EnvDeps } from './deps.js';
import { findServing } from './ledgerLookups.js';
import { observeFleet, onHosts, type FleetState } from './targets.js';

/** What really runs, from the hosts and from the apps themselves. */
export interface RunningObservation {
  /** What `current` says on every host (the driver's inspect), with anything odd about it. */
  fleet: FleetState;
  /** Per host, in config order: the versions `current` and the app show (see core/runningEvidence). */
  hosts: HostEvidence[];
  /** Per host, the one health probe; null when none was made (no `health:`, nothing to expect, or no build to ask for). */
  probes: Record<string, HealthResult | null>;
}

/** How each app is asked: how long to wait, how often to try, and whether a check that reports no build is worth asking. */
export interface ProbeOptions {
  timeoutMs: number;
  maxAttempts?: number;
  /** Ask even when the health check reports no build (`expect_version: false`): `status` wants the health itself. */
  withoutBuild: boolean;
}

/**
 * For planning, a look at which build the app serves, not a verdict on it: one attempt, and a
 * short wait. An answer with the wrong status still says which build answered; no answer is no evidence.
 */
export const EVIDENCE_PROBE: ProbeOptions = { timeoutMs: 1000, maxAttempts: 1, withoutBuild: false };

type Deps = Pick<EnvDeps, 'targets' | 'fleet' | 'env' | 'verifier' | 'fetch' | 'ledger' | 'app' | 'envName'>;

/**
 * Ask every host what `current` points at and, at the same time, every app which build it serves
 * (one probe each, its verdict measured against `expected`: the ledger's live release, else its
 * newest), so that this takes no longer than the slower of the two. Read-only.
 */
export async function observeRunning(deps: Deps, expected: Release | undefined, probe: ProbeOptions): Promise<RunningObservation> {
  const [fleet, probed] = await Promise.all([
    observeFleet(deps.targets, deps.fleet.concurrency),
    onHosts(deps.targets, deps.fleet.concurrency, (t) => probeServed(deps, t, expected, probe)),
  ]);
  const probes: Record<string, HealthResult | null> = {};
  const asksBuild = deps.env.health?.expect_version !== false;
  const hosts = await Promise.all(deps.targets.map(async (t, i): Promise<HostEvidence> => {
    const result = probed[i]?.value ?? null;
    probes[t.name] = result;
    const current = (fleet.byHost[t.name] as LiveState).version;
    const reported = result === null || !asksBuild ? undefined : result.reported;
    const serves = reported ? ((await findServing(deps, reported, current))?.version ?? null) : null;
    const why = fleet.cannotInspect[t.name];
    return {
      host: t.name, current, serves, ...(reported === undefined ? {} : { reported }), ...(why === undefined ? {} : { cannotInspect: why }),
    };
  }));
  return { fleet, hosts, probes };
}

async function probeServed(
  deps: Pick<Deps, 'env' | 'verifier' | 'fetch'>,
  target: Target,
  expected: Release | undefined,
  probe: ProbeOptions,
): Promise<HealthResult | null> {
  const health = deps.env.health;
  if (!health || !expected || (health.expect_version === false && !probe.withoutBuild)) return null;
  return deps.verifier.checkHealth(
    {
      ...health,
      url: healthUrl(health.url, target),
      successes: 1,
      ...(probe.maxAttempts === undefined ? {} : { maxAttempts: probe.maxAttempts }),
      timeout: Math.min(health.timeout, probe.timeoutMs),
    },
    { version: expected.version, sha: expected.sha },
    { fetch: deps.fetch },
  );
}
