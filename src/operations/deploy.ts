import { RewindError } from '../core/errors.js';
import { lastKnownGood, liveRelease } from '../core/lastKnownGood.js';
import { lockKey } from '../core/lock.js';
import { assertSafeName } from '../core/names.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import { takeEnvLock, type HeldLock } from '../engine/envLock.js';
import type { StepOutcome } from '../engine/runSteps.js';
import { executePlan, journalReached } from '../engine/executePlan.js';
import type { DeployPlan } from '../core/plan.js';
import { deployStepsFor, deployStepsOf } from './planSteps.js';
import { STEP_FACTORIES } from './stepFactories.js';
import type { Verification } from '../core/verification.js';
import { applyRollback, type RollbackResult } from './applyRollback.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRelease } from './lookups.js';
import { planRollbackRun } from './planRollbackRun.js';
import { notifyRun } from './notifyRun.js';
import { newRelease, newRun } from './newRecords.js';
import { appendTrend } from './reports/writeRollbackReports.js';
import { refuseIfMoved } from './worldMoved.js';
import { onHosts } from './targets.js';

export interface DeployRequest {
  version: string;
  autoRollback: boolean;
  reason?: string;
}

export type { DeployPlan };

export interface DeployResult {
  ok: boolean;
  run: Run;
  release: Release;
  previous: Release | undefined;
  steps: StepRecord[];
  outcomes: StepOutcome[];
  verification: Verification | undefined;
  error: RewindError | undefined;
  /** The automatic rollback, when verification failed and one was made. */
  rollback: RollbackResult | undefined;
  /** Why no automatic rollback happened, when the deploy failed and none did. */
  rollbackSkipped: string | null;
  pruned: string[];
}

/**
 * Make the release, switch to it, reload, verify. When it fails after the
 * switch, go back to the last known good release (a rollback run of its
 * own, with its reports) unless told not to. The deploy failed either way.
 */
export async function deploy(deps: EnvDeps, request: DeployRequest): Promise<DeployResult> {
  const version = assertSafeName(request.version, 'version');
  // Bad migration settings fail here, before a release or run is written.
  deps.migrations?.assertUsable();
  const previous = liveRelease(await deps.ledger.listReleases({ app: deps.app, env: deps.envName }));
  const release = newRelease(deps, { version });
  const steps = deployStepsFor(deps, version);
  const plan: DeployPlan = {
    kind: 'deploy', version, releaseId: release.id, previousReleaseId: previous?.id ?? null, autoRollback: request.autoRollback, steps,
  };
  const run = newRun(deps, 'deploy', {
    fromVersion: previous?.version ?? null, fromReleaseId: previous?.id ?? null, toVersion: version, toReleaseId: release.id,
    reason: request.reason ?? null, plan,
  });
  // The lock comes first: a deploy that cannot run leaves no trace but the error.
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), run.id);
  try {
    await deps.ledger.insertRelease(release);
    await deps.ledger.insertRun(run);
    await audit(deps, 'deploy.started', 'started', { version, previous: previous?.version ?? null }, run.id);
    return await carryOutDeploy(deps, run, lock);
  } finally {
    await lock.release();
  }
}

/** Continue a deploy run whose process died: the same steps, from the first its journal does not show as done. */
export async function resumeDeploy(deps: EnvDeps, run: Run): Promise<DeployResult> {
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), run.id);
  try {
    await audit(deps, 'deploy.resumed', 'started', { version: run.toVersion }, run.id);
    return await carryOutDeploy(deps, run, lock);
  } finally {
    await lock.release();
  }
}

async function carryOutDeploy(deps: EnvDeps, run: Run, lock: HeldLock): Promise<DeployResult> {
  const plan = run.plan as DeployPlan;
  const release = await getRelease(deps, plan.releaseId);
  const previous = plan.previousReleaseId ? await getRelease(deps, plan.previousReleaseId) : undefined;
  const journal = await deps.ledger.listSteps(run.id);
  const planSteps = deployStepsOf(deps, plan);
  await refuseIfMoved(deps, run, journal, planSteps, release.version);
  deps.events({
    type: 'run.started',
    runId: run.id,
    kind: 'deploy',
    title: `${journal.length > 0 ? 'resume deploying' : 'deploy'} ${plan.version} to ${deps.envName}`,
  });

  let verification: Verification | undefined;
  // Migrations run after the release is made and before anything switches to it.
  const context = {
    deps, run: { runId: run.id, user: deps.user, previousVersion: previous?.version ?? null }, release, migrations: [], missingOn: [],
    onVerified: (v: Verification) => { if (!verification || verification.ok) verification = v; },
  };
  const result = await executePlan(planSteps, STEP_FACTORIES, context, {
    ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: run.id, done: journal,
    onBoundary: deps.faults?.kind === 'deploy' ? deps.faults.hook : undefined,
  });
  const record = await deps.ledger.listSteps(run.id);

  let rollback: RollbackResult | undefined;
  let rollbackSkipped: string | null = null;
  let pruned: string[] = [];
  if (!result.ok) {
    await deps.ledger.updateRelease(release.id, { status: 'failed', markedBadAt: deps.clock.now().toISOString() });
    const switched = journalReached(planSteps, record, 'switch');
    if (!switched) rollbackSkipped = `${plan.version} never became current: nothing to roll back`;
    else if (!plan.autoRollback) rollbackSkipped = '--no-auto-rollback: the failed release stays current';
    else if (!previous) rollbackSkipped = `no release was live before ${plan.version}: nothing to go back to`;
    else {
      try {
        rollback = await rollBackTo(deps, release, lock);
      } catch (thrown) {
        // A gated or refused automatic rollback leaves the failed release current, and says why.
        rollbackSkipped = `the automatic rollback did not run: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      }
    }
  } else {
    pruned = await prune(deps, release);
  }
  const finishedAt = deps.clock.now().toISOString();
  const error = result.error;
  const status = result.ok ? 'succeeded' : 'failed';
  await deps.ledger.updateRun(run.id, { status, finishedAt, error: error?.message ?? null });
  const finished: Run = { ...run, status, finishedAt, error: error?.message ?? null };
  const durationMs = Date.parse(finishedAt) - Date.parse(run.startedAt ?? run.createdAt);
  await appendTrend(deps.files, deps.stateDir, {
    at: run.startedAt ?? run.createdAt, runId: run.id, kind: 'deploy', app: deps.app, env: deps.envName,
    fromVersion: run.fromVersion, toVersion: run.toVersion,
    status: result.ok ? 'success' : 'failure', durationMs, slaSeconds: null, trigger: run.trigger, requestedBy: run.requestedBy,
    reason: run.reason ?? undefined, secrets: deps.secrets,
  });
  if (!result.ok) {
    const after = rollback
      ? (rollback.ok ? `rolled back to ${rollback.plan.to.version}` : `automatic rollback FAILED: ${rollback.error?.message ?? 'unknown'}`)
      : (rollbackSkipped ?? '');
    await notifyRun(deps, 'deploy.failed', finished, {
      message: `${deps.app} ${deps.envName}: deploy of ${plan.version} failed (${error?.message ?? 'unknown'}); ${after}`,
      severity: rollback?.ok ? 'warning' : 'critical',
      durationMs,
    });
  }
  await audit(
    deps,
    result.ok ? 'deploy.succeeded' : 'deploy.failed',
    result.ok ? 'success' : 'failure',
    { version: plan.version, error: error?.message, rolled_back_to: rollback?.ok ? rollback.plan.to.version : undefined },
    run.id,
  );
  return {
    ok: result.ok, run: finished, release: await getRelease(deps, release.id), previous,
    steps: record, outcomes: result.outcomes, verification, error, rollback, rollbackSkipped, pruned,
  };
}

/**
 * Back to the last known good, as the planner chooses it: the release live before may be a
 * broken one kept live (--no-auto-rollback), and going back to it leaves production broken.
 * With no known good release the planner refuses, and the caller says the rollback did not run.
 */
async function rollBackTo(deps: EnvDeps, failed: Release, lock: HeldLock): Promise<RollbackResult> {
  const planned = await planRollbackRun(deps, {
    failed: failed.id,
    reason: `deploy of ${failed.version} failed verification`,
    trigger: 'deploy.verify_failed',
  });
  return applyRollback(deps, planned, { parentLock: lock });
}

/** Keep `keep` releases, never the live one or the last known good. */
async function prune(deps: EnvDeps, live: Release): Promise<string[]> {
  const releases = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  const good = lastKnownGood(releases, releases.find((r) => r.id === live.id));
  const outcomes = await onHosts(
    deps.targets,
    deps.fleet.concurrency,
    (t) => t.driver.prune([live.version, ...(good ? [good.version] : [])]),
  );
  return [...new Set(outcomes.flatMap((o) => o.value ?? []))];
}
