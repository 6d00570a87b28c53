import { join } from 'node:path';
import type { RewindError } from '../core/errors.js';
import type { StepOutcome } from '../engine/runSteps.js';
import { executePlan } from '../engine/executePlan.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { getRelease } from './lookups.js';
import { appendTrend } from './reports/writeRollbackReports.js';
import { planRollbackRun, type PlannedRollback, type RollbackRequest } from './planRollbackRun.js';
import { rollbackStepsOf } from './planSteps.js';
import { STEP_FACTORIES } from './stepFactories.js';
import { rollbackStepContext } from './stepContext.js';
import { markdownKit } from '../core/markdown.js';

export interface DrillResult extends PlannedRollback {
  ok: boolean;
  outcomes: StepOutcome[];
  error: RewindError | undefined;
  durationMs: number;
  drillLog: string;
}

/**
 * A rollback rehearsed against the real environment: everything that only
 * reads runs for real (the target release is present and intact, the health
 * endpoint answers), everything that writes is simulated and shown. Nothing on
 * the target changes and no lock is taken, so a drill never blocks a real
 * rollback. Passes when a real rollback would be expected to succeed.
 */
export async function drill(deps: EnvDeps, request: Omit<RollbackRequest, 'kind'>): Promise<DrillResult> {
  const planned = await planRollbackRun(deps, { ...request, kind: 'drill', reason: request.reason ?? 'rollback drill' });
  const { plan } = planned;
  const started = deps.clock.now();
  await deps.ledger.updateRun(planned.run.id, { status: 'running', startedAt: started.toISOString() });
  deps.events({
    type: 'run.started',
    runId: planned.run.id,
    kind: 'drill',
    title: `drill: roll ${deps.envName} back from ${plan.from.version} to ${plan.to.version} (nothing will change)`,
  });
  const [from, to] = await Promise.all([getRelease(deps, plan.from.releaseId), getRelease(deps, plan.to.releaseId)]);
  const context = rollbackStepContext(deps, planned.run.id, from, to, plan, {
    onVerified: () => undefined, reportDir: planned.reportDir,
  });
  const result = await executePlan(rollbackStepsOf(deps, plan), STEP_FACTORIES, context, {
    ledger: deps.ledger, clock: deps.clock, events: deps.events, runId: planned.run.id, dryRun: true,
    onBoundary: deps.faults?.kind === 'drill' ? deps.faults.hook : undefined,
  });
  const finished = deps.clock.now();
  const durationMs = finished.getTime() - started.getTime();
  await deps.ledger.updateRun(planned.run.id, {
    status: result.ok ? 'succeeded' : 'failed',
    finishedAt: finished.toISOString(),
    error: result.error?.message ?? null,
  });
  const drillLog = join(deps.stateDir, 'reports', 'drill-log.md');
  await deps.files.mkdir(join(deps.stateDir, 'reports'));
  const entry = drillLogEntry(planned, result.ok, result.outcomes, durationMs, deps.user, result.error, deps.secrets);
  await deps.files.appendFile(drillLog, entry);
  await appendTrend(deps.files, deps.stateDir, {
    at: started.toISOString(), runId: planned.run.id, kind: 'drill', app: deps.app, env: deps.envName,
    fromVersion: plan.from.version, toVersion: plan.to.version,
    status: result.ok ? 'success' : 'failure', durationMs, slaSeconds: deps.env.sla.rollback_seconds, trigger: 'drill',
    requestedBy: deps.user, reason: plan.reason, secrets: deps.secrets,
  });
  await audit(
    deps,
    'drill.finished',
    result.ok ? 'pass' : 'fail',
    { from: from.version, to: to.version, error: result.error?.message },
    planned.run.id,
  );
  return { ...planned, ok: result.ok, outcomes: result.outcomes, error: result.error, durationMs, drillLog };
}

function drillLogEntry(
  planned: PlannedRollback,
  ok: boolean,
  outcomes: readonly StepOutcome[],
  durationMs: number,
  user: string,
  error: RewindError | undefined,
  secrets: readonly string[],
): string {
  const { plan, run } = planned;
  const { md, document } = markdownKit(secrets);
  const when = `${run.createdAt.slice(0, 10)} ${run.createdAt.slice(11, 19)} UTC`;
  const verdict = `${ok ? 'PASS' : 'FAIL'} in ${(durationMs / 1000).toFixed(2)}s`;
  return document([
    md`## ${when}: ${plan.app} ${plan.env}, ${plan.from.version} -> ${plan.to.version}: ${verdict}`,
    md``,
    md`- run: ${run.id}, by ${user}`,
    md`- risk: ${plan.riskLevel}${plan.approvalRequired ? ' (a real rollback would need approval)' : ''}`,
    ...(error ? [md`- would fail: ${error.message}`] : []),
    ...outcomes.map((o) => md`- ${o.ok ? 'ok' : 'FAILED'} ${o.name} (${o.durationMs} ms): ${o.detail}`),
    md``,
    md``,
  ]);
}
