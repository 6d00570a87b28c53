/**
 * One run as the dashboard's run page and `/api/runs/:id` show it: the run,
 * its journaled steps (their output was redacted when it was written), and
 * the report files it left (names only: the server serves them from the
 * run's own report dir and nowhere else).
 */
import { join } from 'node:path';
import { RewindError } from '../../core/errors.js';
import type { Run, StepRecord } from '../../core/run.js';
import type { PlanStep } from '../../core/plan.js';
import type { EnvDeps } from '../deps.js';
import { hostTable, type HostRowView } from './hostTable.js';
import { plannedFromRun } from '../planRollbackRun.js';
import { deployReportDir } from '../reports/writeRollbackReports.js';

export interface RunDetail {
  run: Run;
  steps: StepRecord[];
  /** The run's report dir, and the files in it (sorted; subfolders as `dir/name`). */
  reportDir: string | null;
  files: string[];
  /** summary.json of a rollback, when it was written. */
  summary: Record<string, unknown> | null;
  /** Per host: what the run's switch and verify steps did there. */
  hosts: HostRowView[];
}

/** Where a run's report files are: a rollback's and a drill's as plannedFromRun puts them, a deploy's as deployReportDir does. */
export function reportDirOf(deps: Pick<EnvDeps, 'stateDir'>, run: Run): string | null {
  if (run.kind === 'deploy') return deployReportDir(deps.stateDir, run.id);
  if (run.kind === 'rollback' || run.kind === 'drill') return plannedFromRun(deps, run).reportDir;
  return null;
}

export async function runDetail(deps: EnvDeps, runId: string): Promise<RunDetail> {
  const run = await deps.ledger.getRun(runId);
  if (!run || run.app !== deps.app || run.env !== deps.envName) {
    throw new RewindError('RUN_NOT_FOUND', `no run ${runId} in ${deps.app} ${deps.envName}`, { runId });
  }
  const steps = await deps.ledger.listSteps(run.id);
  const reportDir = reportDirOf(deps, run);
  const files = reportDir ? await listFiles(deps, reportDir) : [];
  const summaryText = files.includes('summary.json') && reportDir ? await deps.files.readFile(join(reportDir, 'summary.json')) : undefined;
  let summary: Record<string, unknown> | null = null;
  try {
    summary = summaryText ? (JSON.parse(summaryText) as Record<string, unknown>) : null;
  } catch {
    summary = null;
  }
  const planSteps = (run.plan as { steps?: PlanStep[] } | null)?.steps ?? [];
  const hosts = hostTable(deps.targets.map((t) => t.name), planSteps, steps);
  return { run, steps, reportDir, files, summary, hosts };
}

async function listFiles(deps: EnvDeps, dir: string, prefix = '', depth = 0): Promise<string[]> {
  const names = await deps.files.list(dir).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of [...names].sort()) {
    const path = join(dir, name);
    const kind = (await deps.files.stat(path))?.type;
    if (kind === 'dir' && depth < 2) found.push(...(await listFiles(deps, path, `${prefix}${name}/`, depth + 1)));
    else if (kind === 'file') found.push(`${prefix}${name}`);
  }
  return found;
}
