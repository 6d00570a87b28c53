import type { AuditEvent } from '../core/run.js';
import type { EnvDeps } from './deps.js';

/** Append one entry to the audit log for this environment; returns it as stored (its seq and hash anchor reports). */
export async function audit(
  deps: EnvDeps,
  action: string,
  outcome: string,
  detail: Record<string, unknown> = {},
  runId: string | null = null,
): Promise<AuditEvent> {
  return deps.ledger.appendAudit({
    at: deps.clock.now().toISOString(),
    actor: deps.user,
    action,
    app: deps.app,
    env: deps.envName,
    runId,
    outcome,
    detail,
  });
}
