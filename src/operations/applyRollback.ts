import { RewindError } from '../core/errors.js';
import { stepFailed } from '../core/stepFailed.js';
import { lockKey } from '../core/lock.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import { takeEnvLock, type HeldLock } from '../engine/envLock.js';
import type { StepOutcome } from '../engine/runSteps.js';
import { executePlan, firstUndone, journalReached } from '../engine/executePlan.js';
import type { PlanStep } from '../core/plan.js';
import { VERSION_BROKEN } from '../core/driver.js';
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
import { reportDocuments } from './reports/writeRollbackReports.js';
import { describeFleet, observeFleet } from './targets.js';
import { refuseIfMoved } from './worldMoved.js';

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
  let run = await gateApproval(deps, planned.run, plan, options.autoApprove === true);
  const key = lockKey(deps.app, deps.envName);
  const lock = options.parentLock ? await options.parentLock.handOver(run.id) : await takeEnvLock(deps, key, run.id);
  try {
    const journal = await deps.ledger.listSteps(run.id);
    const planSteps = rollbackStepsOf(deps, plan);
    await refuseIfMoved(deps, run, journal, planSteps, to.version);
    const resuming = journal.length > 0;
    const confirmedStepId = run.status === 'paused' ? await confirmPaused(deps, run.id, planSteps, journal, options) : undefined;
    const startedAt = run.startedAt ?? deps.clock.now().toISOString();
    run = { ...run, status: 'running', startedAt };
    await deps.ledger.updateRun(run.id, { status: 'running', startedAt });
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
      onVerified: (v) => { if (!verification || verification.ok) verification = v; },
    });
    const result = await executePlan(planSteps, STEP_FACTORIES, context, {
      ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: run.id, done: journal,
      onBoundary: deps.faults?.kind === 'rollback' ? deps.faults.hook : undefined,
    });
    const record = await deps.ledger.listSteps(run.id);
    if (result.paused) return await pause(deps, planned, run, record, result.outcomes, result.error as RewindError, startedAt, notified);
    const error = result.ok
      ? undefined
      : await failure(deps, result.error, from, to, journalReached(planSteps, record, 'switch'), verification);
    const fleetAfter = await observeFleet(deps.targets, deps.fleet.concurrency);
    const liveAfter = describeFleet(fleetAfter.byHost);
    const hosts = hostRows(fleetAfter.byHost, record);
    const finishedAt = deps.clock.now().toISOString();
    run = { ...run, status: result.ok ? 'succeeded' : 'failed', finishedAt, error: error?.message ?? null };
    await deps.ledger.updateRun(run.id, { status: run.status, finishedAt, error: run.error });
    const durationMs = Date.parse(finishedAt) - Date.parse(startedAt);
    const { files, notifications, slaBreached } = await writeRollbackRecord(deps, {
      planned, run, ok: result.ok, steps: record, verification, error, liveAfter, durationMs, notified, hosts,
    });
    const failedNotices = notifications.filter((n) => !n.ok).map((n) => `${n.receiver}: ${n.error}`);
    await audit(
      deps,
      result.ok ? 'rollback.succeeded' : 'rollback.failed',
      result.ok ? 'success' : 'failure',
      {
        from: from.version,
        to: to.version,
        live_after: liveAfter,
        error: error?.message,
        sla_breached: slaBreached,
        failed_notifications: failedNotices,
      },
      run.id,
    );
    return {
      ...planned, run, ok: result.ok, steps: record, outcomes: result.outcomes, verification, error, liveAfter, durationMs, files,
      notifications, slaBreached, hosts,
    };
  } finally {
    await lock.release();
  }
}

/**
 * A paused run continues only once someone says the manual step is done;
 * who said so goes to the audit log. Returns the index of that step.
 */
async function confirmPaused(
  deps: EnvDeps,
  runId: string,
  planSteps: readonly PlanStep[],
  journal: readonly StepRecord[],
  options: ApplyOptions,
): Promise<string | undefined> {
  const index = firstUndone(planSteps, journal);
  const planned = planSteps[index];
  const step = journal.find((s) => s.index === index);
  const what = planned?.kind === 'migration' ? `reverted migration ${planned.migration}` : 'done the manual step';
  const question = `Has an operator ${what} by hand?`;
  if (!options.confirmManual) {
    throw new RewindError(
      'CONFIRMATION_NEEDED',
      `run ${runId} is paused: ${question} Confirm with \`rewind resume ${runId} --yes\``,
      { runId },
    );
  }
  if (!(await options.confirmManual(question))) {
    throw new RewindError('CANCELLED', `run ${runId} stays paused: the manual step was not confirmed`, { runId });
  }
  await audit(deps, 'rollback.manual_step_confirmed', 'confirmed', { step: step?.name ?? null, confirmed_by: deps.user }, runId);
  return planned?.id;
}

/** The run waits for an operator: nothing after the manual step ran, so nothing has switched. */
async function pause(
  deps: EnvDeps,
  planned: PlannedRollback,
  run: Run,
  record: StepRecord[],
  outcomes: StepOutcome[],
  error: RewindError,
  startedAt: string,
  notified: NotifyOutcome[],
): Promise<RollbackResult> {
  await deps.ledger.updateRun(run.id, { status: 'paused', error: error.message });
  await audit(deps, 'rollback.paused', 'waiting', {
    step: record.find((s) => s.status === 'pending')?.name ?? null,
    from: planned.plan.from.version,
    to: planned.plan.to.version,
  }, run.id);
  // Somebody has to act, and may not be the one who started the rollback: tell the receivers.
  const pausedNotice = await notifyRun(deps, 'rollback.paused', { ...run, status: 'paused' }, {
    message: `${deps.app} ${deps.envName}: the rollback from ${planned.plan.from.version} to ${planned.plan.to.version} ` +
      `is paused before the switch: ${error.message}; then \`rewind resume ${run.id}\``,
    severity: 'critical',
  });
  const fleet = await observeFleet(deps.targets, deps.fleet.concurrency);
  const durationMs = deps.clock.now().getTime() - Date.parse(startedAt);
  const files = { ...planned.files, ...reportDocuments(planned.reportDir), deployLog: null, trendCsv: '', slaCsv: null };
  return {
    ...planned, run: { ...run, status: 'paused', error: error.message }, ok: false, steps: record, outcomes, verification: undefined, error,
    liveAfter: describeFleet(fleet.byHost), durationMs, files, notifications: [...notified, ...pausedNotice], slaBreached: false,
    hosts: hostRows(fleet.byHost, record), paused: true,
  };
}

async function failure(
  deps: EnvDeps,
  error: RewindError | undefined,
  from: Release,
  to: Release,
  switched: boolean,
  verification: Verification | undefined,
): Promise<RewindError> {
  if (switched) {
    // The environment no longer runs the failed release, whatever happened after the switch.
    await deps.ledger.updateRelease(from.id, { status: 'rolled_back', markedBadAt: deps.clock.now().toISOString() });
  }
  if (error?.code === 'BUILD_FAILED' && error.details[VERSION_BROKEN] === true) {
    return new RewindError(
      'NO_KNOWN_GOOD',
      `the target ${to.version} does not build either (${error.message}): ` +
        'both the current and the previous version are broken, manual intervention needed (severity 1)',
      { to: to.version },
    );
  }
  if (error?.code === 'VERIFY_FAILED') {
    return new RewindError(
      'NO_KNOWN_GOOD',
      `rolled back to ${to.version} but it failed verification too (${verification?.reason ?? error.message}): ` +
        'no known good version, manual intervention needed (severity 1)',
      { to: to.version },
    );
  }
  return error ?? stepFailed('noReason', { run: 'rollback' });
}

