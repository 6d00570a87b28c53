import type { RollbackResult } from '../../operations/applyRollback.js';
import type { DrillResult } from '../../operations/drill.js';
import type { PlannedRollback } from '../../operations/planRollbackRun.js';
import { out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { runJson } from './json.js';

/** How a planned, applied or drilled rollback is shown: one JSON document, or a few lines. */

export function plannedJson(planned: PlannedRollback): Record<string, unknown> {
  return {
    run_id: planned.run.id,
    plan_id: planned.planId,
    applied: false,
    run: runJson(planned.run),
    plan: planned.plan,
    files: { plan_json: planned.files.planJson, plan_md: planned.files.planMd },
  };
}

export function showRollback(io: CliIO, globals: GlobalOptions, result: RollbackResult): void {
  if (globals.json) printJson(io, rollbackJson(result));
  else if (!globals.quiet) out(io, rollbackSummary(result));
}

export function showDrill(io: CliIO, globals: GlobalOptions, result: DrillResult): void {
  const { plan } = result;
  if (globals.json) {
    printJson(io, {
      ...plannedJson(result), applied: false, dry_run: true, ok: result.ok, duration_ms: result.durationMs,
      steps: result.outcomes.map((o) => ({ name: o.name, ok: o.ok, duration_ms: o.durationMs, detail: o.detail })),
      error: result.error ? { code: result.error.code, message: result.error.message } : null,
      drill_log: result.drillLog,
    });
  } else if (!globals.quiet) {
    const verdict = result.ok
      ? 'a real rollback is expected to succeed'
      : `a real rollback would fail: ${result.error?.message ?? 'unknown'}`;
    out(
      io,
      `drill ${plan.from.version} -> ${plan.to.version} in ${(result.durationMs / 1000).toFixed(2)}s, nothing changed: ${verdict}\n` +
        `drill log: ${result.drillLog}`,
    );
  }
}

export function rollbackJson(result: RollbackResult): Record<string, unknown> {
  return {
    ...plannedJson(result),
    applied: true,
    ok: result.ok,
    paused: result.paused === true,
    migrations: result.plan.migrations ?? [],
    run: runJson(result.run),
    live_after: result.liveAfter,
    duration_ms: result.durationMs,
    steps: result.steps.map((s) => ({
      name: s.name,
      ok: s.status === 'succeeded',
      duration_ms: s.durationMs,
      detail: s.error ?? s.output,
    })),
    verification: result.verification ?? null,
    error: result.error ? { code: result.error.code, message: result.error.message, exit: result.error.exitCode } : null,
    sla_breached: result.slaBreached,
    hosts: result.hosts.map((h) => ({ host: h.host, version: h.version, failed_step: h.failedStep, error: h.error })),
    notifications: result.notifications,
    files: {
      plan_json: result.files.planJson, plan_md: result.files.planMd, report_md: result.files.reportMd,
      summary_json: result.files.summaryJson, incident_md: result.files.incidentMd, deploy_log: result.files.deployLog,
      trend_csv: result.files.trendCsv, sla_csv: result.files.slaCsv,
    },
  };
}

export function rollbackSummary(result: RollbackResult): string {
  const { plan } = result;
  const seconds = (result.durationMs / 1000).toFixed(2);
  if (result.paused) {
    return [
      `rollback ${plan.from.version} -> ${plan.to.version} PAUSED before the switch; running ${result.liveAfter ?? 'unknown'}`,
      `to do: ${result.error?.message ?? 'the manual step'}`,
    ].join('\n');
  }
  const head = result.ok
    ? `rolled back ${plan.env} from ${plan.from.version} to ${plan.to.version} in ${seconds}s: ` +
      `verified, running ${result.liveAfter ?? 'unknown'}`
    : `rollback ${plan.from.version} -> ${plan.to.version} FAILED after ${seconds}s: ${result.error?.message ?? 'unknown error'}; ` +
      `running ${result.liveAfter ?? 'unknown'}`;
  const failed = result.notifications
    .filter((n) => !n.ok)
    .map((n) => `warning: notification to ${n.receiver} (${n.event}) failed: ${n.error}`);
  const sla = result.slaBreached ? ['warning: the rollback took longer than its SLA (logged to sla-breaches.csv)'] : [];
  return [head, `report: ${result.files.reportMd}`, ...sla, ...failed].join('\n');
}
