import { seconds, redactDeep } from './format.js';
import { migrationOutcome } from './migrationFacts.js';
import { reportFacts, type RollbackReportInput } from './reportInput.js';

/** summary.json: seed 000's fields first (pipelines read them), then ours. Every string is redacted. */
export function rollbackSummary(input: RollbackReportInput): Record<string, unknown> {
  const facts = reportFacts(input);
  const { run, plan } = input;
  const migrations = migrationOutcome(plan.migrations, facts.steps, input.migrationsAppliedNow);
  const summary = {
    workflow: 'rewind_rollback',
    version: input.toolVersion,
    run_id: run.id,
    rollback_id: input.planId,
    status: input.ok ? 'success' : 'failure',
    reason: plan.reason,
    from_version: plan.from.version,
    to_version: plan.to.version,
    duration_s: seconds(input.durationMs),
    sla_s: facts.slaSeconds,
    sla_breached: facts.slaBreached,
    trigger: run.trigger,
    requested_by: run.requestedBy,
    approved_by: run.approvedBy,
    app: plan.app,
    env: plan.env,
    error: input.error,
    error_code: facts.errorCode,
    severity: facts.severity,
    dry_run: facts.dryRun,
    live_after: input.liveAfter,
    risk_level: plan.riskLevel,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    migrations: {
      planned: migrations.planned.map((m) => ({
        id: m.id,
        reversibility: m.reversibility,
        data_loss: m.dataLoss,
        applied_by: m.appliedBy,
      })),
      reverted: migrations.reverted,
      applied_now: migrations.appliedNow,
    },
    notifications: facts.notifications.map((n) => ({ receiver: n.receiver, event: n.event, ok: n.ok, error: n.error })),
    audit_head: input.auditHead ?? null,
  };
  return redactDeep(summary, facts.secrets) as Record<string, unknown>;
}

/** The file's text: pretty, with a final newline. */
export function rollbackSummaryJson(input: RollbackReportInput): string {
  return `${JSON.stringify(rollbackSummary(input), null, 2)}\n`;
}
