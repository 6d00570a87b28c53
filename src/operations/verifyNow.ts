/**
 * `rewind verify`: the live release checked once, now, by everything the
 * environment declares: deploy's own verification on every host (what the
 * engine runs, the health check expecting the release's build, the smoke
 * commands) and one reading of every `watch:` source, each condition judged
 * on it (core/watch/readingNow.ts). Read-only: no lock, no run, no ledger
 * write. A check that gives no answer is never a pass.
 */
import { RewindError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import { rewindEnv } from '../core/rewindEnv.js';
import type { Verification } from '../core/verification.js';
import type { Measurement, TierAction, WatchConfig } from '../core/watch/measurement.js';
import { sourceKey, watchedSources } from '../core/watch/readings.js';
import { assessReadingNow, type ReadingNowState } from '../core/watch/readingNow.js';
import type { EnvDeps } from './deps.js';
import { scopeOf } from './ledgerLookups.js';
import { verifyOnHost } from './releaseSteps.js';
import { watchHealth } from './watch/watchHealth.js';
import { onHosts, type HostOutcome } from './targets.js';

/** failed: it answered, wrongly; error: no answer (a host unreachable); skipped: smoke after a failed health check. */
export type ReleaseCheckState = 'ok' | 'failed' | 'error' | 'skipped' | 'inconclusive';

/** One of deploy's verification checks on one host. */
export interface ReleaseCheckNow {
  name: 'running' | 'health' | 'smoke' | 'verification';
  /** The host, on an environment of several; null on one. */
  host: string | null;
  state: ReleaseCheckState;
  detail: string;
  durationMs: number | null;
}

/** One watch condition, judged on one reading of its source. */
export interface ConditionNow {
  tier: 1 | 2 | 3;
  action: TierAction;
  label: string;
  forMs: number;
  state: ReadingNowState;
  value: number | null;
  reason: string;
}

export interface VerifyNowReport {
  app: string;
  env: string;
  release: Release;
  checks: ReleaseCheckNow[];
  conditions: ConditionNow[];
  /** Every check ok (or skipped after another failed) and every condition ok. */
  ok: boolean;
}

export async function verifyNow(deps: EnvDeps): Promise<VerifyNowReport> {
  const release = await deps.ledger.liveRelease(scopeOf(deps));
  if (!release) {
    throw new RewindError(
      'NOTHING_LIVE',
      `nothing to verify: the ledger has no live release of ${deps.app} in ${deps.envName} ` +
        '(deploy one, or register one made elsewhere with `rewind record`)',
    );
  }
  const watch = deps.watch;
  const [checks, conditions] = await Promise.all([checkHosts(deps, release), watch ? readConditions(deps, watch, release) : []]);
  if (checks.length === 0 && conditions.length === 0) {
    checks.push({
      name: 'verification', host: null, state: 'inconclusive', durationMs: null,
      detail: `nothing is configured to check: ${deps.envName} has no health:, smoke: or watch: section`,
    });
  }
  const ok = checks.every((c) => c.state === 'ok' || c.state === 'skipped') && conditions.every((c) => c.state === 'ok');
  return { app: deps.app, env: deps.envName, release, checks, conditions, ok };
}

/** Deploy's verification on every host, at the fleet's concurrency: each host's checks, in the order of the hosts. */
async function checkHosts(deps: EnvDeps, release: Release): Promise<ReleaseCheckNow[]> {
  const several = deps.targets.length > 1;
  const outcomes = await onHosts(deps.targets, deps.fleet.concurrency, (target) =>
    verifyOnHost(deps, target, release, (vars) =>
      rewindEnv({ version: release.version, sha: release.sha, releaseDir: vars.release_dir, env: deps.envName, user: deps.user })));
  return outcomes.flatMap((outcome) => hostChecks(deps, outcome, several ? outcome.host : null));
}

function hostChecks(
  deps: EnvDeps,
  outcome: HostOutcome<{ running: string[]; verification: Verification }>,
  host: string | null,
): ReleaseCheckNow[] {
  if (!outcome.ok || !outcome.value) {
    const error = outcome.error;
    // VERIFY_FAILED here is the driver finding another artifact running; anything else kept the host from answering.
    const name = error?.code === 'VERIFY_FAILED' ? 'running' : 'verification';
    const state = error?.code === 'VERIFY_FAILED' ? 'failed' : 'error';
    return [{ name, host, state, detail: error?.message ?? 'the verification did not finish', durationMs: null }];
  }
  const { running, verification } = outcome.value;
  const checks: ReleaseCheckNow[] = running.map((detail) => ({ name: 'running', host, state: 'ok', detail, durationMs: null }));
  for (const check of verification.checks) {
    checks.push({ name: check.name, host, state: check.ok ? 'ok' : 'failed', detail: check.detail, durationMs: check.durationMs });
  }
  if (deps.env.smoke.length > 0 && !verification.checks.some((check) => check.name === 'smoke')) {
    checks.push({ name: 'smoke', host, state: 'skipped', detail: 'not run: the health check failed', durationMs: null });
  }
  return checks;
}

/** One reading per source (sources shared by several conditions are read once), then every condition, tier 1 first. */
async function readConditions(deps: EnvDeps, watch: WatchConfig, release: Release): Promise<ConditionNow[]> {
  const probe = deps.verifier.watchProbe({
    prometheus: watch.prometheus, health: watchHealth(deps, { version: release.version, sha: release.sha }),
    errorRateWindowMs: watch.intervalMs, now: () => deps.clock.now().getTime(), ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  let readings: Map<string, Measurement>;
  try {
    const sources = [...watchedSources(watch)];
    readings = new Map(await Promise.all(sources.map(async ([key, source]) => [key, await probe.measure(source)] as const)));
  } finally {
    await probe.close();
  }
  const tiers = [...watch.tiers].sort((a, b) => a.tier - b.tier);
  return tiers.flatMap((tier) =>
    tier.when.map((condition): ConditionNow => {
      const reading = readings.get(sourceKey(condition.source)) ?? { at: 0, kind: 'error', message: 'not read' };
      const now = assessReadingNow(condition, reading, watch.noData);
      return { tier: tier.tier, action: tier.action, label: condition.label, forMs: condition.forMs, ...now };
    }));
}
