import type { RewindError } from '../core/errors.js';
import type { Release } from '../core/release.js';
import type { Run, StepRecord } from '../core/run.js';
import type { StepOutcome } from '../engine/runSteps.js';
import type { DeployPlan } from '../core/plan.js';
import type { Verification } from '../core/verification.js';
import type { RollbackResult } from './applyRollback.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRelease } from './lookups.js';
import { notifyRun } from './notifyRun.js';
import { appendTrend } from './reports/writeRollbackReports.js';
import { settleLeftovers } from './settleLeftovers.js';

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

export type DeployOutcome = Omit<DeployResult, 'release'> & { release: Release };

/** Record how the deploy ended: the run's status, the trend row, the notification when it failed, the audit entry. */
export async function finishDeploy(deps: EnvDeps, outcome: DeployOutcome): Promise<DeployResult> {
  const { run, release, rollback, rollbackSkipped, error } = outcome;
  const plan = run.plan as DeployPlan;
  const finishedAt = deps.clock.now().toISOString();
  const status = outcome.ok ? 'succeeded' : 'failed';
  await deps.ledger.updateRun(run.id, { status, finishedAt, error: error?.message ?? null });
  if (outcome.ok || rollback?.ok) await settleLeftovers(deps, run.id);
  const finished: Run = { ...run, status, finishedAt, error: error?.message ?? null };
  const durationMs = Date.parse(finishedAt) - Date.parse(run.startedAt ?? run.createdAt);
  await appendTrend(deps.files, deps.stateDir, {
    at: run.startedAt ?? run.createdAt, runId: run.id, kind: 'deploy', app: deps.app, env: deps.envName,
    fromVersion: run.fromVersion, toVersion: run.toVersion,
    status: outcome.ok ? 'success' : 'failure', durationMs, slaSeconds: null, trigger: run.trigger, requestedBy: run.requestedBy,
    reason: run.reason ?? undefined, secrets: deps.secrets,
  });
  if (!outcome.ok) {
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
    outcome.ok ? 'deploy.succeeded' : 'deploy.failed',
    outcome.ok ? 'success' : 'failure',
    { version: plan.version, error: error?.message, rolled_back_to: rollback?.ok ? rollback.plan.to.version : undefined },
    run.id,
  );
  return { ...outcome, run: finished, release: await getRelease(deps, release.id) };
}
