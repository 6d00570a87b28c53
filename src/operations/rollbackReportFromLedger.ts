/**
 * A finished rollback's (or drill's) report input, made again from the
 * ledger: the run, its plan, its journal and its closing audit entry. What the
 * ledger does not keep (who was notified, the RewindError code) is taken from
 * the summary.json written at the time when it is still there; without it,
 * only the failed notifications the audit entry names are known.
 * Verification is told as the journal's verify step recorded it.
 */
import type { AuditEvent, Run, StepRecord } from '../core/run.js';
import type { Verification } from '../core/verification.js';
import type { EnvDeps } from './deps.js';
import { plannedFromRun } from './planRollbackRun.js';
import type { NotificationOutcome, ReportPlacement, RollbackReportInput } from './reports/reportInput.js';
import { reportDocuments } from './reports/writeRollbackReports.js';
import { toolVersion } from './toolVersion.js';

type Deps = Pick<EnvDeps, 'ledger' | 'files' | 'stateDir' | 'env' | 'secrets'>;

/** The closing entries a rollback or a drill writes: the anchor its documents record. */
const CLOSING = new Set(['rollback.succeeded', 'rollback.failed', 'drill.finished']);

export async function rollbackReportFromLedger(deps: Deps, run: Run): Promise<RollbackReportInput & ReportPlacement> {
  const planned = plannedFromRun(deps, run);
  const dryRun = run.kind === 'drill';
  const [steps, audit, earlier] = await Promise.all([
    deps.ledger.listSteps(run.id),
    deps.ledger.listAudit(),
    earlierSummary(deps, planned.reportDir, run.id),
  ]);
  const closing = audit.filter((e) => e.runId === run.id && CLOSING.has(e.action)).at(-1);
  const ok = run.status === 'succeeded';
  const started = run.startedAt ?? run.createdAt;
  return {
    toolVersion: toolVersion(),
    run,
    plan: planned.plan,
    planId: planned.planId,
    ok,
    outcomes: steps.map((s) => ({
      name: s.name, ok: s.status === 'succeeded', durationMs: s.durationMs ?? 0, detail: s.error ?? s.output,
    })),
    verification: journaledVerification(steps),
    error: run.error,
    liveAfter: dryRun ? planned.plan.from.version : liveAfterOf(closing, ok ? planned.plan.to.version : null),
    durationMs: run.finishedAt ? Math.max(0, Date.parse(run.finishedAt) - Date.parse(started)) : 0,
    steps,
    // A drill is measured against the SLA in trend.csv, as when it ran.
    slaSeconds: deps.env.sla.rollback_seconds,
    dryRun,
    notifications: earlier?.notifications ?? failedNotifications(closing),
    secrets: deps.secrets,
    errorCode: earlier?.errorCode ?? null,
    reportDir: planned.reportDir,
    stateDir: deps.stateDir,
    auditHead: closing ? { seq: closing.seq, hash: closing.hash } : null,
  };
}

/** The last verify step, as journaled: its one line stands for the checks it ran (health first, then smoke). */
function journaledVerification(steps: readonly StepRecord[]): Verification | undefined {
  const step = steps.filter((s) => (s.stepId ? s.stepId.startsWith('verify:') : s.name.startsWith('verify'))).at(-1);
  if (!step || (step.status !== 'succeeded' && step.status !== 'failed')) return undefined;
  const ok = step.status === 'succeeded';
  const detail = `${step.name}: ${(ok ? step.output : step.error) || 'no detail journaled'} (as journaled)`;
  return { ok, checks: [{ name: 'health', ok, detail, durationMs: step.durationMs ?? 0 }], reason: ok ? null : step.error };
}

function liveAfterOf(closing: AuditEvent | undefined, fallback: string | null): string | null {
  const said = closing?.detail.live_after;
  return typeof said === 'string' ? said : fallback;
}

/** The audit entry names each failed notification as `receiver: error`. */
function failedNotifications(closing: AuditEvent | undefined): NotificationOutcome[] {
  const failed = closing?.detail.failed_notifications;
  if (!Array.isArray(failed)) return [];
  return failed.filter((f): f is string => typeof f === 'string').map((line) => {
    const at = line.indexOf(': ');
    const receiver = at === -1 ? line : line.slice(0, at);
    return { receiver, event: closing?.action ?? '', ok: false, error: at === -1 ? null : line.slice(at + 2) };
  });
}

interface EarlierSummary {
  notifications: NotificationOutcome[];
  errorCode: string | null;
}

/** What the run's own summary.json said, if it is there and is this run's; anything unreadable is no summary. */
async function earlierSummary(deps: Deps, reportDir: string, runId: string): Promise<EarlierSummary | undefined> {
  const text = await deps.files.readFile(reportDocuments(reportDir).summaryJson).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const doc = JSON.parse(text) as { run_id?: unknown; notifications?: unknown; error_code?: unknown };
    if (doc.run_id !== runId || !Array.isArray(doc.notifications)) return undefined;
    const notifications = doc.notifications.flatMap((n: Record<string, unknown>): NotificationOutcome[] =>
      (typeof n?.receiver === 'string' && typeof n.event === 'string'
        ? [{ receiver: n.receiver, event: n.event, ok: n.ok === true, error: typeof n.error === 'string' ? n.error : null }]
        : []));
    return { notifications, errorCode: typeof doc.error_code === 'string' ? doc.error_code : null };
  } catch {
    return undefined;
  }
}
