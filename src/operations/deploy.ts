import { lockKey } from '../core/lock.js';
import { assertSafeName } from '../core/names.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import { takeEnvLock, type HeldLock } from '../engine/envLock.js';
import { executePlan, journalReached } from '../engine/executePlan.js';
import { SWITCHING_KINDS, type DeployPlan, type PlanStep } from '../core/plan.js';
import { deployStepsFor, deployStepsOf } from './planSteps.js';
import { STEP_FACTORIES } from './stepFactories.js';
import type { Verification } from '../core/verification.js';
import { applyRollback, type RollbackResult } from './applyRollback.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRelease } from './lookups.js';
import { planRollbackRun, plannedFromRun } from './planRollbackRun.js';
import { newRelease, newRun } from './newRecords.js';
import { observeFleet, onHosts } from './targets.js';
import { refuseIfStale } from './staleness.js';
import { childOf, familyOf, refuseIfUnsettled } from './unsettledRuns.js';
import { findLastKnownGood } from './ledgerLookups.js';
import { isRunStopping, stoppedMidRun, withCleanup } from './firstError.js';
import { finishDeploy, type DeployResult } from './finishDeploy.js';
import { stepFailed } from '../core/stepFailed.js';
import { deployReportDir } from './reports/writeRollbackReports.js';
import { deploySlot } from './trafficFacts.js';
import { stopFailedCandidate } from './slotSteps.js';

export interface DeployRequest {
  version: string;
  autoRollback: boolean;
  reason?: string;
}

export type { DeployPlan };

export type { DeployResult };

/**
 * Make the release, switch to it, reload, verify. When it fails after the
 * switch, go back to the last known good release (a rollback run of its
 * own, with its reports) unless told not to. The deploy failed either way.
 */
export async function deploy(deps: EnvDeps, request: DeployRequest): Promise<DeployResult> {
  const version = assertSafeName(request.version, 'version');
  // Bad migration settings fail here, before a release or run is written.
  deps.migrations?.assertUsable();
  const previous = await deps.ledger.liveRelease({ app: deps.app, env: deps.envName });
  const release = newRelease(deps, { version });
  // Blue/green: the slot no proxy sends traffic to, read from the proxies before anything is written.
  const slot = await deploySlot(deps);
  const steps = deployStepsFor(deps, version, slot);
  const plan: DeployPlan = {
    kind: 'deploy', version, releaseId: release.id, previousReleaseId: previous?.id ?? null, autoRollback: request.autoRollback, steps,
    ...(slot ? { slot } : {}),
  };
  const run = newRun(deps, 'deploy', {
    fromVersion: previous?.version ?? null, fromReleaseId: previous?.id ?? null, toVersion: version, toReleaseId: release.id,
    reason: request.reason ?? null, plan,
  });
  // What the targets run now is asked while the lock is taken: a resume compares against it.
  const observing = observeFleet(deps.targets, deps.fleet.concurrency);
  // The lock comes first: a deploy that cannot run leaves no trace but the error.
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), run.id);
  const fenced: EnvDeps = { ...deps, ledger: lock.ledger };
  return withCleanup(async () => {
    await refuseIfUnsettled(deps, [run.id]);
    const before = Object.fromEntries(Object.entries((await observing).byHost).map(([host, state]) => [host, state.version]));
    const started: Run = { ...run, plan: { ...plan, observedBefore: before } };
    await fenced.ledger.insertRelease(release);
    await fenced.ledger.insertRun(started);
    await audit(fenced, 'deploy.started', 'started', { version, previous: previous?.version ?? null }, run.id);
    return await carryOutDeploy(fenced, started, lock, { fresh: true });
  }, () => lock.release(), 'giving the environment lock back failed', (line) => deps.events({ type: 'note', text: line }));
}

/**
 * Continue a deploy run whose process died: the same steps, from the first its
 * journal does not show as done; a deploy that had already failed and started
 * its automatic rollback continues that rollback instead.
 */
export async function resumeDeploy(deps: EnvDeps, run: Run): Promise<DeployResult> {
  const lock = await takeEnvLock(deps, lockKey(deps.app, deps.envName), run.id);
  const fenced: EnvDeps = { ...deps, ledger: lock.ledger };
  return withCleanup(async () => {
    return await carryOutDeploy(fenced, run, lock, { fresh: false });
  }, () => lock.release(), 'giving the environment lock back failed', (line) => deps.events({ type: 'note', text: line }));
}

async function carryOutDeploy(deps: EnvDeps, run: Run, lock: HeldLock, how: { fresh: boolean }): Promise<DeployResult> {
  const plan = run.plan as DeployPlan;
  const release = await getRelease(deps, plan.releaseId);
  const previous = plan.previousReleaseId ? await getRelease(deps, plan.previousReleaseId) : undefined;
  const journal = await deps.ledger.listSteps(run.id);
  const planSteps = deployStepsOf(deps, plan);
  if (!how.fresh) {
    await refuseIfStale(deps, run, planSteps, journal);
    await audit(deps, 'deploy.resumed', 'started', { version: run.toVersion }, run.id);
  }
  const child = how.fresh ? undefined : childOf(run, await familyOf(deps, run));
  deps.events({
    type: 'run.started',
    runId: run.id,
    kind: 'deploy',
    title: `${journal.length > 0 ? 'resume deploying' : 'deploy'} ${plan.version} to ${deps.envName}`,
  });
  try {
    if (child) return await finishAfterChild(deps, run, release, previous, child, lock);
    return await stepThrough(deps, run, release, previous, planSteps, journal, lock);
  } catch (thrown) {
    throw stoppedMidRun(thrown, run.id);
  }
}

async function stepThrough(
  deps: EnvDeps,
  run: Run,
  release: Release,
  previous: Release | undefined,
  planSteps: PlanStep[],
  journal: StepRecord[],
  lock: HeldLock,
): Promise<DeployResult> {
  const plan = run.plan as DeployPlan;
  let verification: Verification | undefined;
  // Migrations run after the release is made and before anything switches to it.
  const context = {
    deps,
    run: {
      runId: run.id, user: deps.user, previousVersion: previous?.version ?? null, reportDir: deployReportDir(deps.stateDir, run.id),
      kind: 'deploy' as const,
    },
    release, migrations: [], missingOn: [],
    onVerified: (v: Verification) => { if (!verification || verification.ok) verification = v; },
  };
  const result = await executePlan(planSteps, STEP_FACTORIES, context, {
    ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: run.id, done: journal,
    onBoundary: deps.faults?.kind === 'deploy' ? deps.faults.hook : undefined, beforeStep: () => lock.assertHeld(),
  });
  const record = await deps.ledger.listSteps(run.id);

  let rollback: RollbackResult | undefined;
  let rollbackSkipped: string | null = null;
  let pruned: string[] = [];
  if (!result.ok) {
    await deps.ledger.updateRelease(release.id, { status: 'failed', markedBadAt: deps.clock.now().toISOString() });
    const switched = journalReached(planSteps, record, SWITCHING_KINDS);
    if (!switched) {
      rollbackSkipped = `${plan.version} never became current: nothing to roll back`;
      if (plan.slot) rollbackSkipped += `; ${await stopFailedCandidate(context, plan.slot)}`;
    }
    else if (!plan.autoRollback) rollbackSkipped = '--no-auto-rollback: the failed release stays current';
    else if (!previous) rollbackSkipped = `no release was live before ${plan.version}: nothing to go back to`;
    else {
      try {
        rollback = await rollBackTo(deps, release, lock);
      } catch (thrown) {
        if (isRunStopping(thrown)) throw thrown;
        // A gated or refused automatic rollback leaves the failed release current, and says why.
        rollbackSkipped = `the automatic rollback did not run: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      }
    }
  } else {
    pruned = await prune(deps, release);
  }
  return finishDeploy(deps, { run, release, previous, ok: result.ok, error: result.error, steps: record, outcomes: result.outcomes,
    verification, rollback, rollbackSkipped, pruned });
}

/** The deploy had failed and its automatic rollback had started: carry that on (or take its outcome), then finish the deploy. */
async function finishAfterChild(
  deps: EnvDeps,
  run: Run,
  release: Release,
  previous: Release | undefined,
  child: Run,
  lock: HeldLock,
): Promise<DeployResult> {
  const unfinished = ['running', 'paused', 'awaiting_approval', 'planned'].includes(child.status);
  const rollback = unfinished ? await applyRollback(deps, plannedFromRun(deps, child), { parentLock: lock }) : undefined;
  const steps = await deps.ledger.listSteps(run.id);
  const failedStep = steps.find((s) => s.status === 'failed');
  const error = stepFailed('deployFailedBefore', { version: release.version, why: failedStep?.error ?? 'it failed before it stopped' });
  return finishDeploy(deps, {
    run, release: await getRelease(deps, release.id), previous, ok: false, error, steps, outcomes: [], verification: undefined, rollback,
    rollbackSkipped: rollback ? null : `its automatic rollback ${child.id} had already finished (${child.status})`, pruned: [],
  });
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
  return applyRollback(deps, planned, { parentLock: lock, justPlanned: true });
}

/** Keep `keep` releases, never the live one or the last known good. */
async function prune(deps: EnvDeps, live: Release): Promise<string[]> {
  const good = await findLastKnownGood(deps, live);
  const outcomes = await onHosts(
    deps.targets,
    deps.fleet.concurrency,
    (t) => t.driver.prune([live.version, ...(good ? [good.version] : [])]),
  );
  return [...new Set(outcomes.flatMap((o) => o.value ?? []))];
}
