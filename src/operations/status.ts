import type { KeptRelease, LiveState } from '../core/driver.js';
import type { Release } from '../core/release.js';
import { driftLines, runningOn, uninspected, type HostEvidence } from '../core/runningEvidence.js';
import { statusVerdict } from '../core/statusVerdict.js';
import type { HealthResult } from '../core/verification.js';
import type { EnvDeps } from './deps.js';
import { findLastKnownGood, newestRelease, scopeOf } from './ledgerLookups.js';
import { observeRunning, type ProbeOptions } from './observeRunning.js';
import { onHosts } from './targets.js';
import { trafficStatusOf, type TrafficStatus } from './trafficStatus.js';

export interface HostStatus {
  host: string;
  /** What the driver's inspect found: where `current` points (version null when nothing, or when it could not look). */
  observed: LiveState;
  /** What `current` and the app say, and why the host could not be inspected, if it could not (see core/runningEvidence). */
  evidence: HostEvidence;
  /** What the host really runs: the release its app serves, else `current`'s; undefined when unknown (see runningOn). */
  running: string | null | undefined;
  /** One health probe now, measured against the ledger's live release; null when no health check is configured or nothing is expected. */
  health: HealthResult | null;
  /** What the host keeps set aside to go back to (see Driver.kept); null when its driver keeps nothing of the kind or it cannot say. */
  kept: KeptRelease[] | null;
  /** Blue/green: where the host's proxy sends traffic, and each slot; absent without `traffic:`. */
  traffic?: TrafficStatus;
}

export interface StatusReport {
  app: string;
  env: string;
  driver: string;
  /** What the ledger believes is live. */
  live: Release | undefined;
  /**
   * What the environment really runs: every host's running version when they agree and are all
   * known (null otherwise: see hosts), where `current` points on a single host, and every drift line.
   */
  observed: LiveState;
  /** Every host; for an environment-scoped driver, the environment alone. */
  hosts: HostStatus[];
  /** host: the driver acts on each host; environment: on the environment as a whole. */
  scope: 'host' | 'environment';
  lastKnownGood: Release | undefined;
  /** Disagreements between the ledger, `current` and the app, and anything odd about a host, one line each. */
  drift: string[];
  /** Hosts that could not be inspected, one `cannot inspect: <reason>` line each: unknown, never "nothing". */
  uninspected: string[];
  /** The first unhealthy host's health, else the first host's. */
  health: HealthResult | null;
  /** Every host reachable, running the ledger's live release and healthy, no drift: `rewind status` exits 0 (see core/statusVerdict). */
  ok: boolean;
  /** Why not, one short line each. */
  notOk: string[];
}

/** How long `status` waits for a health endpoint: it reports, it does not verify. */
const STATUS_PROBE: ProbeOptions = { timeoutMs: 5000, withoutBuild: true };

export async function status(deps: EnvDeps): Promise<StatusReport> {
  const [live, newest] = await Promise.all([deps.ledger.liveRelease(scopeOf(deps)), newestRelease(deps)]);
  const [running, lastKnownGood, kept, traffic] = await Promise.all([
    observeRunning(deps, live ?? newest, STATUS_PROBE),
    findLastKnownGood(deps, live),
    onHosts(deps.targets, deps.fleet.concurrency, async (t) => (t.driver.kept ? t.driver.kept() : null)),
    onHosts(deps.targets, deps.fleet.concurrency, (t) => trafficStatusOf(deps, t)),
  ]);
  const several = deps.targets.length > 1;
  const ledger = live?.version ?? null;
  const hosts = deps.targets.map((t, i): HostStatus => {
    const evidence = running.hosts[i] as HostEvidence;
    const observed = running.fleet.byHost[t.name] as LiveState;
    const held = kept[i];
    const slots = traffic[i]?.value;
    return {
      host: t.name, observed, evidence, running: runningOn(evidence), health: running.probes[t.name] ?? null,
      kept: held?.ok ? (held.value ?? null) : null, ...(slots ? { traffic: slots } : {}),
    };
  });
  // What the driver found odd about a host it could inspect (`current` outside releases/, ...), then where the three disagree.
  const odd = hosts
    .filter((h) => h.evidence.cannotInspect === undefined)
    .flatMap((h) => h.observed.problems.map((p) => (several ? `${h.host}: ${p}` : p)));
  const drift = [...odd, ...driftLines(running.hosts, ledger)];
  const verdict = statusVerdict(ledger, hosts.map((h) => ({ evidence: h.evidence, healthy: h.health?.ok ?? null })), drift);
  const versions = new Set(hosts.map((h) => h.running));
  const common = versions.size === 1 ? [...versions][0] : undefined;
  const first = hosts[0];
  return {
    app: deps.app,
    env: deps.envName,
    driver: deps.driverKind,
    scope: deps.scope,
    live,
    observed: { version: common ?? null, artifact: several ? null : (first?.observed.artifact ?? null), problems: drift },
    hosts,
    lastKnownGood,
    drift,
    uninspected: uninspected(running.hosts),
    health: hosts.find((h) => h.health && !h.health.ok)?.health ?? first?.health ?? null,
    ok: verdict.ok,
    notOk: verdict.reasons,
  };
}

