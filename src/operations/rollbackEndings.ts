/**
 * How a rollback run stops short of success: it pauses for an operator (a
 * manual migration), or it fails, and a failed target means there is no
 * known good version left (exit 4).
 */
import { RewindError } from '../core/errors.js';
import { stepFailed } from '../core/stepFailed.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import type { StepOutcome } from '../engine/runSteps.js';
import { firstUndone } from '../engine/executePlan.js';
import type { PlanStep } from '../core/plan.js';
import { VERSION_BROKEN } from '../core/driver.js';
import type { NotifyOutcome } from '../core/notification.js';
import type { Verification } from '../core/verification.js';
import type { ApplyOptions, RollbackResult } from './applyRollback.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import type { PlannedRollback } from './planRollbackRun.js';
import { hostRows } from './hostRows.js';
import { notifyRun } from './notifyRun.js';
import { reportDocuments } from './reports/writeRollbackReports.js';
import { describeFleet, observeFleet } from './targets.js';

/**
 * A paused run continues only once someone says the manual step is done;
 * who said so goes to the audit log. Returns the index of that step.
 */
export async function confirmPaused(
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
export async function pause(
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

export async function failure(
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

