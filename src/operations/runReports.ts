/**
 * `rewind report RUN`: a run's report, rendered from the ledger by the same
 * renderers that wrote it (a finished rollback or drill: report.md and
 * summary.json), or the run record for any other run; and `--write`, which
 * writes a finished run's report files again through writeRollbackReports
 * (a deploy's only file is its trend.csv row).
 */
import { RewindError } from '../core/errors.js';
import type { RollbackPlan } from '../core/plan.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { getRun } from './lookups.js';
import { rollbackReportFromLedger } from './rollbackReportFromLedger.js';
import { rollbackReportMarkdown } from './reports/reportMarkdown.js';
import { runRecordJson, runRecordMarkdown, type RunRecord } from './reports/runRecordReport.js';
import { rollbackSummary } from './reports/summaryJson.js';
import { appendTrend, writeRollbackReports } from './reports/writeRollbackReports.js';
import { childOf, familyOf } from './unsettledRuns.js';

export type ReportFormat = 'md' | 'json';

export interface RunReport {
  run: Run;
  /** The markdown text, or the JSON document. */
  document: string | Record<string, unknown>;
}

export interface WrittenReports {
  run: Run;
  /** Every file written or appended to (a CSV row already there is not added again). */
  files: string[];
}

export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json'];

export async function runReport(deps: EnvDeps, runId: string, format: ReportFormat): Promise<RunReport> {
  const run = await runHere(deps, runId);
  if (hasRollbackReport(run)) {
    const input = await rollbackReportFromLedger(deps, run);
    return { run, document: format === 'md' ? rollbackReportMarkdown(input) : rollbackSummary(input) };
  }
  const record = await runRecord(deps, run);
  return { run, document: format === 'md' ? runRecordMarkdown(record) : runRecordJson(record) };
}

export async function rewriteRunReports(deps: EnvDeps, runId: string): Promise<WrittenReports> {
  const run = await runHere(deps, runId);
  if (run.status !== 'succeeded' && run.status !== 'failed') {
    throw new RewindError('USAGE', `--write: run ${run.id} is ${run.status}; only a finished run has report files ` +
      `(\`rewind report ${run.id}\` prints what it has)`, { runId: run.id });
  }
  if (hasRollbackReport(run)) {
    const files = await writeRollbackReports(deps.files, await rollbackReportFromLedger(deps, run));
    return { run, files: [files.reportMd, files.summaryJson, files.incidentMd, files.deployLog, files.trendCsv, files.slaCsv]
      .filter((f): f is string => f !== null) };
  }
  if (run.kind === 'deploy') {
    const started = run.startedAt ?? run.createdAt;
    const trend = await appendTrend(deps.files, deps.stateDir, {
      at: started, runId: run.id, kind: 'deploy', app: run.app, env: run.env, fromVersion: run.fromVersion, toVersion: run.toVersion,
      status: run.status === 'succeeded' ? 'success' : 'failure', durationMs: Date.parse(run.finishedAt ?? started) - Date.parse(started),
      slaSeconds: null, trigger: run.trigger, requestedBy: run.requestedBy, reason: run.reason ?? undefined, secrets: deps.secrets,
    });
    return { run, files: [trend] };
  }
  throw new RewindError('USAGE', `--write: a ${run.kind} run has no report files; \`rewind report ${run.id}\` prints its record`, {
    runId: run.id,
  });
}

/** A rollback or a drill that finished: report.md, summary.json and incident.md tell it. */
function hasRollbackReport(run: Run): boolean {
  const finished = run.status === 'succeeded' || run.status === 'failed';
  return finished && (run.kind === 'rollback' || run.kind === 'drill') && (run.plan as RollbackPlan | null)?.kind === 'rollback';
}

/** The run, if it is this environment's: its reports use this environment's SLA, secrets and state dir. */
async function runHere(deps: EnvDeps, runId: string): Promise<Run> {
  const run = await getRun(deps, runId);
  if (run.app !== deps.app || run.env !== deps.envName) {
    const how = run.app === deps.app ? `pass --env ${run.env}` : `use the config of ${run.app}`;
    throw new RewindError('USAGE', `run ${run.id} belongs to ${run.app} ${run.env}, not ${deps.app} ${deps.envName}: ${how}`, {
      runId: run.id,
    });
  }
  return run;
}

async function runRecord(deps: EnvDeps, run: Run): Promise<RunRecord> {
  const [steps, family] = await Promise.all([deps.ledger.listSteps(run.id), familyOf(deps, run)]);
  const child = childOf(run, family);
  const watched = (run.plan as { childRunId?: unknown } | null)?.childRunId;
  const started = typeof watched === 'string' && watched !== child?.id ? await deps.ledger.getRun(watched) : undefined;
  const children = [child, started].filter((c): c is Run => c !== undefined);
  return { run, steps, children, secrets: deps.secrets };
}
