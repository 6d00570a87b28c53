import { RewindError } from '../core/errors.js';
import { lockKey } from '../core/lock.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import { takeEnvLock, type HeldLock } from '../engine/envLock.js';
import type { StepOutcome } from '../engine/runSteps.js';
import { executePlan, journalReached } from '../engine/executePlan.js';
import { confirmPaused, failure, pause } from './rollbackEndings.js';
import { SWITCHING_KINDS, type PlanStep } from '../core/plan.js';
import { STEP_FACTORIES } from './stepFactories.js';
import { rollbackStepContext } from './stepContext.js';
import { rollbackStepsOf } from './planSteps.js';
import type { NotifyOutcome } from '../core/notification.js';
import type { Verification } from '../core/verification.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRelease } from './lookups.js';
import { gateApproval } from './gateApproval.js';
import type { PlannedRollback } from './planRollbackRun.js';
import { hostRows, type HostRow } from './hostRows.js';
import { notifyRun } from './notifyRun.js';
import { writeRollbackRecord, type RollbackFiles } from './recordRollbackOutcome.js';
import { describeFleet, observeFleet } from './targets.js';
import { refuseIfStale } from './staleness.js';
import { refuseIfUnsettled } from './unsettledRuns.js';
import { settleLeftovers } from './settleLeftovers.js';
import { settleAwaitedWatches } from './watch/settleAwaitedWatches.js';
import { stoppedMidRun, withCleanup } from './firstError.js';

export interface ApplyOptions {
  /** Approve a gated plan on the spot; recorded in the audit log with who used it. */
  autoApprove?: boolean;
  /** Held by the run this one is part of (a deploy's automatic rollback): handed over, not taken. */
  parentLock?: HeldLock;
  /**
   * Asks whether an operator has done the manual migration step a paused run
   * waits for (true: continue). Without it, a paused run is not continued.
   */
  confirmManual?: (question: string) => Promise<boolean>;
  /** The plan was made by this process a moment ago: there is nothing for it to have gone stale against. */
  justPlanned?: boolean;
}

export interface RollbackResult extends PlannedRollback {
  ok: boolean;
  /** Every step of the run, including those done before a resume. */
  steps: StepRecord[];
  outcomes: StepOutcome[];
  verification: Verification | undefined;
  error: RewindError | undefined;
  liveAfter: string | null;
  durationMs: number;
  files: RollbackFiles;
  /** Who was told what; a failed notification never fails the rollback. */
  notifications: NotifyOutcome[];
  slaBreached: boolean;
  /** Each host: the version it runs now, and the step and error that stopped it, if any. */
  hosts: HostRow[];
  /** The run waits for an operator (a manual migration): `error` says what to do; reports are written when it finishes. */
  paused?: boolean;
}

/**
 * Carry out a saved rollback plan, or continue one that stopped: gate it on
 * approval, take the environment's lock, run the steps its journal does not
 * show as done (make sure the target is there, switch, reload, verify that
 * the target itself is healthy, mark the failed release), record and report.
 * When the target fails verification there is no known good version: stop,
 * mark it bad, and say so at the highest severity (exit 4), never loop.
 */
export async function applyRollback(deps: EnvDeps, planned: PlannedRollback, options: ApplyOptions = {}): Promise<RollbackResult> {
  const { plan } = planned;
  const [from, to] = await Promise.all([getRelease(deps, plan.from.releaseId), getRelease(deps, plan.to.releaseId)]);
  const key = lockKey(deps.app, deps.envName);
  const lock = options.parentLock ? await options.parentLock.handOver(planned.run.id) : await takeEnvLock(deps, key, planned.run.id);
  // Every write of the run goes through the lock's fence: once another run takes the environment over, none lands.
  return withCleanup(
    () => carryOut({ ...deps, ledger: lock.ledger }, planned, from, to, options, lock),
    () => lock.release(),
    'giving the environment lock back failed',
    (line) => deps.events({ type: 'note', text: line }),
  );
}

async function carryOut(
  deps: EnvDeps,
  planned: PlannedRollback,
  from: Release,
  to: Release,
  options: ApplyOptions,
  lock: HeldLock,
): Promise<RollbackResult> {
  const { plan } = planned;
  const journal = await deps.ledger.listSteps(planned.run.id);
  const planSteps = rollbackStepsOf(deps, plan);
  // Under the lock, just before the first write: nothing else may hold the environment, nothing may have moved.
  if (journal.length === 0 && !options.parentLock) await refuseIfUnsettled(deps, [planned.run.id], { rollingBack: true });
  if (!options.justPlanned) await refuseIfStale(deps, planned.run, planSteps, journal);
  let run = await gateApproval(deps, planned.run, plan, options.autoApprove === true);
  const resuming = journal.length > 0;
  const confirmedStepId = run.status === 'paused' ? await confirmPaused(deps, run.id, planSteps, journal, options) : undefined;
  const startedAt = run.startedAt ?? deps.clock.now().toISOString();
  run = { ...run, status: 'running', startedAt };
  await deps.ledger.updateRun(run.id, { status: 'running', startedAt });
  try {
    return await stepThrough(deps, planned, run, { from, to, planSteps, journal, resuming, confirmedStepId, startedAt, lock });
  } catch (thrown) {
    throw stoppedMidRun(thrown, run.id);
  }
}

interface Stepping {
  from: Release;
  to: Release;
  planSteps: PlanStep[];
  journal: StepRecord[];
  resuming: boolean;
  confirmedStepId: string | undefined;
  startedAt: string;
  lock: HeldLock;
}

async function stepThrough(deps: EnvDeps, planned: PlannedRollback, started: Run, stepping: Stepping): Promise<RollbackResult> {
  const { plan } = planned;
  const { from, to, planSteps, journal, resuming, confirmedStepId, startedAt, lock } = stepping;
  let run = started;
  await audit(
    deps,
    resuming ? 'rollback.resumed' : 'rollback.started',
    'started',
    { from: from.version, to: to.version, reason: plan.reason },
    run.id,
  );
  deps.events({
    type: 'run.started',
    runId: run.id,
    kind: 'rollback',
    title: `${resuming ? 'resume rolling' : 'roll'} ${deps.envName} back from ${from.version} to ${to.version}`,
  });
  const notified = await notifyRun(deps, 'rollback.started', run, {
    message: `${deps.app} ${deps.envName}: ${resuming ? 'resuming the rollback' : 'rolling back'} ` +
      `from ${from.version} to ${to.version} (${plan.reason})`,
    severity: 'warning',
  });

  let verification: Verification | undefined;
  // With several hosts, the verification the report shows is the first that failed, else the last.
  const context = rollbackStepContext(deps, run.id, from, to, plan, {
    confirmedStepId,
    reportDir: planned.reportDir,
    onVerified: (v) => { if (!verification || verification.ok) verification = v; },
  });
  const result = await executePlan(planSteps, STEP_FACTORIES, context, {
    ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: run.id, done: journal,
    onBoundary: deps.faults?.kind === 'rollback' ? deps.faults.hook : undefined, beforeStep: () => lock.assertHeld(),
  });
  const record = await deps.ledger.listSteps(run.id);
  if (result.paused) return await pause(deps, planned, run, record, result.outcomes, result.error as RewindError, startedAt, notified);
  const error = result.ok
    ? undefined
    : await failure(deps, result.error, from, to, journalReached(planSteps, record, SWITCHING_KINDS), verification);
  const fleetAfter = await observeFleet(deps.targets, deps.fleet.concurrency);
  const liveAfter = describeFleet(fleetAfter.byHost);
  const hosts = hostRows(fleetAfter.byHost, record);
  const finishedAt = deps.clock.now().toISOString();
  run = { ...run, status: result.ok ? 'succeeded' : 'failed', finishedAt, error: error?.message ?? null };
  await deps.ledger.updateRun(run.id, { status: run.status, finishedAt, error: run.error });
  if (result.ok) await settleLeftovers(deps, run.id);
  if (result.ok) await settleAwaitedWatches(deps, run);
  const durationMs = Date.parse(finishedAt) - Date.parse(startedAt);
  const { files, notifications, slaBreached } = await writeRollbackRecord(deps, {
    planned, run, ok: result.ok, steps: record, verification, error, liveAfter, durationMs, notified, hosts,
  });
  return {
    ...planned, run, ok: result.ok, steps: record, outcomes: result.outcomes, verification, error, liveAfter, durationMs, files,
    notifications, slaBreached, hosts,
  };
}
