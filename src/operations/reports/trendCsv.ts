import type { RunKind } from '../../core/run.js';
import { csvLine } from './csv.js';
import { seconds, utcStamp } from './format.js';
import { isSlaBreached, reportFacts, type RollbackReportInput } from './reportInput.js';

/**
 * The columns the retro reads. `reason` was added last so that readers that
 * take the first thirteen columns by position keep working.
 */
export const TREND_HEADER =
  'date,run_id,kind,app,env,from_version,to_version,status,duration_s,sla_s,sla_breached,trigger,requested_by,reason\n';

/** One run of any kind: deploy, rollback or drill. */
export interface TrendRowInput {
  /** When the run started (ISO 8601). */
  at: string | Date;
  runId: string;
  kind: RunKind;
  app: string;
  env: string;
  fromVersion: string | null;
  toVersion: string | null;
  /** `success` or `failure`, as in summary.json. */
  status: string;
  durationMs: number;
  slaSeconds: number | null;
  trigger: string;
  requestedBy: string;
  reason?: string | null;
  secrets?: readonly string[];
}

/** trend.csv's row for one run, with its line ending. */
export function trendRow(input: TrendRowInput): string {
  const at = typeof input.at === 'string' ? input.at : input.at.toISOString();
  return csvLine(
    [
      utcStamp(at),
      input.runId,
      input.kind,
      input.app,
      input.env,
      input.fromVersion,
      input.toVersion,
      input.status,
      seconds(input.durationMs),
      input.slaSeconds,
      isSlaBreached(input.durationMs, input.slaSeconds),
      input.trigger,
      input.requestedBy,
      input.reason ?? null,
    ],
    input.secrets ?? [],
  );
}

/** The trend row of a rollback (a drill, when it was a dry run). */
export function rollbackTrendInput(input: RollbackReportInput): TrendRowInput {
  const facts = reportFacts(input);
  return {
    at: facts.at,
    runId: input.run.id,
    kind: facts.kind,
    app: input.plan.app,
    env: input.plan.env,
    fromVersion: input.plan.from.version,
    toVersion: input.plan.to.version,
    status: input.ok ? 'success' : 'failure',
    durationMs: input.durationMs,
    slaSeconds: facts.slaSeconds,
    trigger: input.run.trigger,
    requestedBy: input.run.requestedBy,
    reason: input.plan.reason,
    secrets: facts.secrets,
  };
}
