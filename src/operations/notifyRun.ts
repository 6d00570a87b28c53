import type { NotifyEvent, NotifyOutcome, RunNotification } from '../core/notification.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';

export interface NotifyFacts {
  message: string;
  severity: RunNotification['severity'];
  durationMs?: number;
  report?: string | null;
}

/**
 * Tell the configured receivers about a run. Never throws: a notification
 * that fails is an outcome to report, not a reason to fail the rollback.
 */
export async function notifyRun(deps: EnvDeps, event: NotifyEvent, run: Run, facts: NotifyFacts): Promise<NotifyOutcome[]> {
  if (!deps.notify) return [];
  return deps.notify({
    event,
    app: deps.app,
    env: deps.envName,
    run_id: run.id,
    kind: run.kind,
    status: run.status,
    from_version: run.fromVersion,
    to_version: run.toVersion,
    reason: run.reason,
    message: facts.message,
    severity: facts.severity,
    requested_by: run.requestedBy,
    approved_by: run.approvedBy,
    duration_s: facts.durationMs === undefined ? null : Math.round(facts.durationMs) / 1000,
    report: facts.report ?? null,
    at: deps.clock.now().toISOString(),
    // A ledger that cannot be read now must not stop the notification going out.
    audit_head: (await deps.ledger.auditHead().catch(() => undefined)) ?? null,
  });
}
