/**
 * What a watch does once it has watched: nothing acted (the release passed),
 * tier 2 paged (the run waits for a human), or tier 1 rolls back to the last
 * known good, as a child run under the watch's lock, without confirmation:
 * the approval policy still applies (`--auto-approve`, or a policy that does
 * not ask for the rollback's risk, lets it through).
 */
import { isRewindError, RewindError } from '../../core/errors.js';
import type { Run, RunStatus } from '../../core/run.js';
import type { WatchDecision, WatchPlan } from '../../core/watch/watchPlan.js';
import type { HeldLock } from '../../engine/envLock.js';
import { applyRollback, type RollbackResult } from '../applyRollback.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';
import { isRunStopping } from '../firstError.js';
import { getRun } from '../lookups.js';
import { notifyRun } from '../notifyRun.js';
import { planRollbackRun, plannedFromRun } from '../planRollbackRun.js';
import type { WatchRequest, WatchResult } from './watchResult.js';

export async function actOnDecision(deps: EnvDeps, run: Run, plan: WatchPlan, lock: HeldLock, request: WatchRequest): Promise<WatchResult> {
  const decision = plan.decision;
  if (decision === null) {
    const ticks = plan.segments.reduce((sum, s) => sum + s.ticks, 0);
    await audit(deps, 'watch.passed', 'success', { version: plan.version, ticks, recorded: plan.recorded }, run.id);
    return { ...(await settle(deps, run, plan, 'succeeded', null)), outcome: 'passed', ok: true };
  }
  if (decision.action === 'page') return escalate(deps, run, plan, decision);
  return rollBack(deps, run, plan, decision, lock, request);
}

async function escalate(deps: EnvDeps, run: Run, plan: WatchPlan, decision: WatchDecision): Promise<WatchResult> {
  const message = `tier ${decision.tier} breached on ${plan.version}: ${decision.reason}; waiting for a decision: roll back with ` +
    `\`rewind rollback --apply\`, or dismiss with \`rewind watch --dismiss ${run.id} --reason "..."\``;
  await audit(deps, 'watch.breached', 'paused', { tier: decision.tier, condition: decision.condition, reason: decision.reason }, run.id);
  await notifyRun(deps, 'watch.breached', run, { message: `${deps.app} ${deps.envName}: ${message}`, severity: 'critical' });
  const settled = await settle(deps, run, plan, 'paused', message, false);
  return { ...settled, outcome: 'escalated', ok: false, error: new RewindError('WATCH_ESCALATED', message, { runId: run.id }) };
}

async function rollBack(
  deps: EnvDeps, run: Run, start: WatchPlan, decision: WatchDecision, lock: HeldLock, request: WatchRequest,
): Promise<WatchResult> {
  let plan = start;
  const why = `tier ${decision.tier}: ${decision.reason}`;
  let rollback: RollbackResult | undefined;
  try {
    if (plan.childRunId === null) {
      const detail = { tier: decision.tier, condition: decision.condition, reason: decision.reason };
      await audit(deps, 'watch.breached', 'failure', detail, run.id);
      await notifyRun(deps, 'watch.breached', run, {
        message: `${deps.app} ${deps.envName}: ${why} on ${plan.version}: rolling back to the last known good`, severity: 'critical',
      });
      const trigger = `watch:tier${decision.tier}`;
      const planned = await planRollbackRun(deps, { failed: plan.releaseId, reason: `watch ${why}`, trigger });
      plan = { ...plan, childRunId: planned.run.id };
      await deps.ledger.updateRun(run.id, { plan });
      rollback = await applyRollback(deps, planned, { parentLock: lock, justPlanned: true, autoApprove: request.autoApprove === true });
    } else {
      // Resumed: the rollback had been started; carry it on, or take how it ended.
      const child = await getRun(deps, plan.childRunId);
      const unfinished = ['running', 'paused', 'awaiting_approval', 'planned'].includes(child.status);
      const options = { parentLock: lock, autoApprove: request.autoApprove };
      if (unfinished) rollback = await applyRollback(deps, plannedFromRun(deps, child), options);
      else if (child.status !== 'succeeded') {
        throw new RewindError('STEP_FAILED', `its rollback ${child.id} ended ${child.status}: ${child.error ?? ''}`);
      }
    }
  } catch (thrown) {
    if (isRunStopping(thrown) || !isRewindError(thrown)) throw thrown;
    // Refused (no known good), or waiting for approval: the watch has decided; what stopped the rollback is its outcome.
    const message = `${why}; the rollback did not finish: ${thrown.message}`;
    return { ...(await settle(deps, run, plan, 'failed', message)), outcome: 'rolled_back', ok: false, error: thrown };
  }
  if (rollback && !rollback.ok) {
    const message = `${why}; the rollback ${rollback.run.id} failed: ${rollback.error?.message ?? 'see its report'}`;
    return { ...(await settle(deps, run, plan, 'failed', message)), outcome: 'rolled_back', ok: false, rollback, error: rollback.error };
  }
  const to = rollback?.plan.to.version ?? 'the last known good';
  const message = `${why}; rolled back to ${to} (run ${plan.childRunId ?? '?'})`;
  const settled = await settle(deps, run, plan, 'failed', message);
  const error = new RewindError('WATCH_ROLLED_BACK', message, { runId: run.id });
  return { ...settled, outcome: 'rolled_back', ok: false, rollback, error };
}

async function settle(
  deps: EnvDeps, run: Run, plan: WatchPlan, status: RunStatus, error: string | null, finished = true,
): Promise<Pick<WatchResult, 'run' | 'plan'>> {
  const finishedAt = finished ? deps.clock.now().toISOString() : null;
  await deps.ledger.updateRun(run.id, { status, plan, error, finishedAt });
  return { run: { ...run, status, plan, error, finishedAt }, plan };
}
