import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { RollbackPlan } from '../core/plan.js';
import { planRollback } from '../core/planRollback.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { newRun } from './records.js';
import { planMarkdown } from './reports/planMarkdown.js';

export interface RollbackRequest {
  failed?: string;
  targetVersion?: string;
  reason?: string;
  trigger?: string;
}

export interface PlannedRollback {
  run: Run;
  plan: RollbackPlan;
  /** A stable id of the plan's content: the same facts give the same id. */
  planId: string;
  reportDir: string;
  files: { planJson: string; planMd: string };
}

/**
 * Assess and plan: read the ledger and the target, compute the plan, save it
 * as plan.json and plan.md with a `planned` run. Nothing on the target changes.
 */
export async function planRollbackRun(deps: EnvDeps, request: RollbackRequest): Promise<PlannedRollback> {
  const releases = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  const observed = await deps.driver.inspect();
  const plan = planRollback({
    app: deps.app,
    env: deps.envName,
    driver: deps.driver.kind,
    hosts: deps.env.hosts,
    now: deps.clock.now().toISOString(),
    releases,
    observedLive: observed.version,
    failed: request.failed,
    targetVersion: request.targetVersion,
    reason: request.reason,
    healthConfigured: deps.env.health !== undefined,
    reloadConfigured: deps.env.reload !== undefined,
  });
  const run = newRun(deps, 'rollback', {
    status: 'planned',
    startedAt: null,
    fromVersion: plan.from.version,
    toVersion: plan.to.version,
    fromReleaseId: plan.from.releaseId,
    toReleaseId: plan.to.releaseId,
    reason: plan.reason,
    trigger: request.trigger ?? 'manual',
    plan,
  });
  const reportDir = rollbackReportDir(deps, run.id);
  const files = { planJson: join(reportDir, 'plan.json'), planMd: join(reportDir, 'plan.md') };
  const planId = planIdOf(plan);
  await deps.files.mkdir(reportDir);
  await deps.files.writeFileAtomic(files.planJson, `${JSON.stringify({ run_id: run.id, plan_id: planId, ...plan }, null, 2)}\n`);
  await deps.files.writeFileAtomic(files.planMd, planMarkdown(plan, run.id));
  await deps.ledger.insertRun(run);
  return { run, plan, planId, reportDir, files };
}

export function rollbackReportDir(deps: Pick<EnvDeps, 'stateDir'>, runId: string): string {
  return join(deps.stateDir, 'reports', 'rollbacks', runId);
}

export function planIdOf(plan: RollbackPlan): string {
  const { createdAt: _createdAt, ...content } = plan;
  return `plan-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 12)}`;
}
