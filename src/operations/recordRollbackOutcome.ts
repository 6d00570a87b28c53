import type { RewindError } from '../core/errors.js';
import type { Run, StepRecord } from '../core/run.js';
import type { NotifyOutcome } from '../core/notification.js';
import type { HostRow } from './hostRows.js';
import type { Verification } from '../core/verification.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { notifyRun } from './notifyRun.js';
import type { PlannedRollback } from './planRollbackRun.js';
import { writeRollbackReports, type RollbackReportFiles } from './reports/writeRollbackReports.js';
import { toolVersion } from './toolVersion.js';

export interface RollbackRecordInput {
  planned: PlannedRollback;
  run: Run;
  ok: boolean;
  steps: StepRecord[];
  verification: Verification | undefined;
  error: RewindError | undefined;
  liveAfter: string | null;
  durationMs: number;
  /** Outcomes of notifications sent earlier in the run (rollback.started). */
  notified: NotifyOutcome[];
  hosts: HostRow[];
}

export type RollbackFiles = PlannedRollback['files'] & RollbackReportFiles;

export interface RollbackRecord {
  files: RollbackFiles;
  notifications: NotifyOutcome[];
  slaBreached: boolean;
}

/**
 * What a finished rollback leaves behind: the outcome is announced first (so
 * the report can say who was told), then it goes to the audit log, then
 * report.md, summary.json, incident.md, the deploy-log entry and the CSV rows
 * are written. The documents record that entry as the audit head: an anchor
 * of the chain outside the ledger, which `audit verify` checks.
 */
export async function writeRollbackRecord(deps: EnvDeps, input: RollbackRecordInput): Promise<RollbackRecord> {
  const { planned, run } = input;
  const slaSeconds = deps.env.sla.rollback_seconds;
  const slaBreached = input.durationMs > slaSeconds * 1000;
  const seconds = (input.durationMs / 1000).toFixed(1);
  const message = input.ok
    ? `${deps.app} ${deps.envName} rolled back from ${planned.plan.from.version} to ${planned.plan.to.version} in ${seconds}s`
    : `${deps.app} ${deps.envName} rollback from ${planned.plan.from.version} to ${planned.plan.to.version} ` +
      `FAILED: ${input.error?.message ?? 'unknown'}; running ${input.liveAfter ?? 'unknown'}`;
  const report = `${planned.reportDir}/report.md`;
  const notifications = [
    ...input.notified,
    ...(await notifyRun(deps, input.ok ? 'rollback.succeeded' : 'rollback.failed', run, {
      message,
      severity: input.ok ? 'warning' : 'critical',
      durationMs: input.durationMs,
      report,
    })),
    ...(slaBreached
      ? await notifyRun(deps, 'sla.breached', run, {
        message: `${deps.app} ${deps.envName} rollback took ${seconds}s, over its ${slaSeconds}s SLA`,
        severity: 'warning',
        durationMs: input.durationMs,
        report,
      })
      : []),
  ];
  const failedNotices = notifications.filter((n) => !n.ok).map((n) => `${n.receiver}: ${n.error}`);
  const entry = await audit(
    deps,
    input.ok ? 'rollback.succeeded' : 'rollback.failed',
    input.ok ? 'success' : 'failure',
    {
      from: planned.plan.from.version,
      to: planned.plan.to.version,
      live_after: input.liveAfter,
      error: input.error?.message,
      sla_breached: slaBreached,
      failed_notifications: failedNotices,
    },
    run.id,
  );
  const files = await writeRollbackReports(deps.files, {
    toolVersion: toolVersion(),
    run,
    plan: planned.plan,
    planId: planned.planId,
    ok: input.ok,
    outcomes: input.steps.map((s) => ({
      name: s.name,
      ok: s.status === 'succeeded',
      durationMs: s.durationMs ?? 0,
      detail: s.error ?? s.output,
    })),
    verification: input.verification,
    error: input.error?.message ?? null,
    liveAfter: input.liveAfter,
    durationMs: input.durationMs,
    steps: input.steps,
    slaSeconds,
    dryRun: false,
    notifications,
    secrets: deps.secrets,
    errorCode: input.error?.code ?? null,
    reportDir: planned.reportDir,
    stateDir: deps.stateDir,
    hosts: input.hosts,
    migrationsAppliedNow: appliedNowOf(input.error),
    auditHead: { seq: entry.seq, hash: entry.hash },
  });
  return { files: { ...planned.files, ...files }, notifications, slaBreached };
}

/** A failed down step carries the migrations applied at that moment (see migrationSteps). */
function appliedNowOf(error: RewindError | undefined): string[] | null {
  const now = error?.code === 'MIGRATION_FAILED' ? error.details.appliedNow : undefined;
  return Array.isArray(now) ? (now as string[]) : null;
}
