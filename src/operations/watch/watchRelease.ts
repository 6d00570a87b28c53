/**
 * `rewind watch`: watch the live release for `watch.for` and act on seed
 * 002's tiers. Watching is a run of its own (kind `watch`): it holds the
 * environment's lock (no deploy lands meanwhile), keeps every tick's verdict
 * in the ledger, and is resumable. Tier 1 rolls back to the last known good
 * as a child run; tier 2 pages and leaves the run waiting for a human.
 */
import { RewindError } from '../../core/errors.js';
import { lockKey } from '../../core/lock.js';
import type { Run } from '../../core/run.js';
import type { WatchConfig } from '../../core/watch/measurement.js';
import type { WatchPlan } from '../../core/watch/watchPlan.js';
import { showDuration } from '../../core/configParts.js';
import { takeEnvLock, type HeldLock } from '../../engine/envLock.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';
import { stoppedMidRun, withCleanup } from '../firstError.js';
import { scopeOf } from '../ledgerLookups.js';
import { newRun } from '../newRecords.js';
import { refuseIfUnsettled } from '../unsettledRuns.js';
import { refuseRejectedQueries } from './rejectedQueries.js';
import { actOnDecision } from './watchDecision.js';
import { watchHealth } from './watchHealth.js';
import { watchTicks } from './watchTicks.js';
import type { WatchRequest, WatchResult } from './watchResult.js';

export type { WatchRequest, WatchResult };

export function watchConfigOf(deps: EnvDeps): WatchConfig {
  if (!deps.watch) {
    throw new RewindError('WATCH_NOT_CONFIGURED', `${deps.envName} has no watch: section: add watch.tiers with the conditions ` +
      'to watch (see the README, "Watching a release")');
  }
  return deps.watch;
}

export async function watchRelease(deps: EnvDeps, request: WatchRequest = {}): Promise<WatchResult> {
  const config = watchConfigOf(deps);
  const live = await deps.ledger.liveRelease(scopeOf(deps));
  if (!live) throw new RewindError('NOTHING_LIVE', `${deps.envName} has no live release to watch: deploy one first`);
  await refuseRejectedQueries(deps, config);
  const forMs = request.forMs ?? config.forMs;
  const now = deps.clock.now();
  const plan: WatchPlan = {
    kind: 'watch', releaseId: live.id, version: live.version, sha: live.sha, startedAt: now.toISOString(),
    until: new Date(now.getTime() + forMs).toISOString(), intervalMs: config.intervalMs, segments: [], decision: null, recorded: [],
    childRunId: null,
  };
  // The watched release is the run's from and to: a tier-1 rollback from it is the watch's child (unsettledRuns.isChildOf).
  const run = newRun(deps, 'watch', {
    fromVersion: live.version, toVersion: live.version, fromReleaseId: live.id, toReleaseId: live.id, plan,
    reason: `watch ${live.version} for ${showDuration(forMs)}`, trigger: request.trigger ?? 'manual',
  });
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), run.id);
  const fenced: EnvDeps = { ...deps, ledger: lock.ledger };
  return withCleanup(async () => {
    await refuseIfUnsettled(deps, [run.id]);
    await fenced.ledger.insertRun(run);
    await audit(fenced, 'watch.started', 'started', { version: live.version, until: plan.until }, run.id);
    return await carryOutWatch(fenced, run, lock, request);
  }, () => lock.release(), 'giving the environment lock back failed', (line) => deps.events({ type: 'note', text: line }));
}

/** Watch (or go on watching, after a resume) until the window ends or a tier acts; then act and settle the run. */
export async function carryOutWatch(deps: EnvDeps, run: Run, lock: HeldLock, request: WatchRequest): Promise<WatchResult> {
  const config = watchConfigOf(deps);
  let plan = run.plan as WatchPlan;
  deps.events({
    type: 'run.started', runId: run.id, kind: 'watch',
    title: `watch ${plan.version} on ${deps.envName} until ${plan.until.slice(11, 19)} (every ${showDuration(plan.intervalMs)})`,
  });
  try {
    if (plan.decision === null) {
      const probe = deps.verifier.watchProbe({
        prometheus: config.prometheus, health: watchHealth(deps, { version: plan.version, sha: plan.sha }),
        errorRateWindowMs: config.intervalMs, now: () => deps.clock.now().getTime(), ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      try {
        plan = await watchTicks(deps, run.id, plan, config, probe, lock);
      } finally {
        await probe.close();
      }
    }
    return await actOnDecision(deps, { ...run, plan }, plan, lock, request);
  } catch (thrown) {
    throw stoppedMidRun(thrown, run.id);
  }
}
