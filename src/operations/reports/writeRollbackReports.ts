import { join } from 'node:path';
import type { Files } from '../../core/ports.js';
import { appendCsvRow } from './appendCsv.js';
import { deployLogBaseName, deployLogMarkdown, deployLogRunLine } from './deployLog.js';
import { incidentMarkdown } from './incidentMarkdown.js';
import { reportFacts, type ReportPlacement, type RollbackReportInput } from './reportInput.js';
import { rollbackReportMarkdown } from './reportMarkdown.js';
import { SLA_HEADER, slaBreachRow } from './slaCsv.js';
import { rollbackSummaryJson } from './summaryJson.js';
import { TREND_HEADER, rollbackTrendInput, trendRow, type TrendRowInput } from './trendCsv.js';

/** Every path the writer wrote (or appended to). */
export interface RollbackReportFiles {
  reportMd: string;
  summaryJson: string;
  incidentMd: string;
  /** Null for a dry run: the deploy log is the history of what really changed. */
  deployLog: string | null;
  trendCsv: string;
  /** Null unless the rollback took longer than its SLA. */
  slaCsv: string | null;
}

/** The three documents of a run, in its report dir (a paused run names them before they exist). */
export function reportDocuments(reportDir: string): Pick<RollbackReportFiles, 'reportMd' | 'summaryJson' | 'incidentMd'> {
  return {
    reportMd: join(reportDir, 'report.md'),
    summaryJson: join(reportDir, 'summary.json'),
    incidentMd: join(reportDir, 'incident.md'),
  };
}

/** Where the shared logs live: `<stateDir>/reports/`. */
export function reportsRoot(stateDir: string): string {
  return join(stateDir, 'reports');
}

/** A deploy's own dir under the reports: what its driver kept of the version it replaced (a snapshot). */
export function deployReportDir(stateDir: string, runId: string): string {
  return join(reportsRoot(stateDir), 'deploys', runId);
}

/**
 * Write a finished rollback's records: the three documents in its report dir,
 * then the dated deploy-log entry, its trend row and, when it breached its
 * SLA, the sla-breaches row. Everything is rendered before anything is
 * written, and every write goes through `files` (the write guard).
 */
export async function writeRollbackReports(files: Files, input: RollbackReportInput & ReportPlacement): Promise<RollbackReportFiles> {
  const facts = reportFacts(input);
  const root = reportsRoot(input.stateDir);
  const captured = await capturedFiles(files, input.reportDir);
  const deploysDir = join(root, 'deploys');
  const paths = reportDocuments(input.reportDir);
  const documents = {
    reportMd: [paths.reportMd, rollbackReportMarkdown(input)],
    summaryJson: [paths.summaryJson, rollbackSummaryJson(input)],
    incidentMd: [paths.incidentMd, incidentMarkdown({ ...input, captured })],
  } as const;
  const deployLog = facts.dryRun ? null : deployLogMarkdown(input, deploysDir, input.reportDir);
  const trend = trendRow(rollbackTrendInput(input));
  const sla = slaBreachRow(input);

  await files.mkdir(input.reportDir);
  for (const [path, text] of Object.values(documents)) await files.writeFileAtomic(path, text);

  let deployLogPath: string | null = null;
  if (deployLog !== null) {
    await files.mkdir(deploysDir);
    deployLogPath = await deployLogPathFor(files, deploysDir, deployLogBaseName(input), input.run.id);
    await files.writeFileAtomic(deployLogPath, deployLog);
  }

  await files.mkdir(root);
  const trendCsv = join(root, 'trend.csv');
  await appendCsvRow(files, trendCsv, TREND_HEADER, trend, input.run.id);
  let slaCsv: string | null = null;
  if (sla !== null) {
    slaCsv = join(root, 'sla-breaches.csv');
    await appendCsvRow(files, slaCsv, SLA_HEADER, sla, input.run.id);
  }

  return {
    ...paths,
    deployLog: deployLogPath,
    trendCsv,
    slaCsv,
  };
}

/** For runs that only add to the trend (deploys, drills). Returns trend.csv's path. */
export async function appendTrend(files: Files, stateDir: string, row: TrendRowInput): Promise<string> {
  const root = reportsRoot(stateDir);
  await files.mkdir(root);
  const path = join(root, 'trend.csv');
  await appendCsvRow(files, path, TREND_HEADER, trendRow(row), row.runId);
  return path;
}

/**
 * `<base>.md`, or `<base>-2.md`, `-3`... when the same rollback already
 * happened that day: an entry is never overwritten, except the one this run
 * wrote itself (a re-render updates it instead of adding a copy).
 */
async function deployLogPathFor(files: Files, deploysDir: string, base: string, runId: string): Promise<string> {
  const marker = deployLogRunLine(runId);
  for (let n = 1; ; n += 1) {
    const path = join(deploysDir, n === 1 ? `${base}.md` : `${base}-${n}.md`);
    const existing = await files.readFile(path);
    if (existing === undefined) return path;
    if (existing.split('\n').includes(marker)) return path;
  }
}

/** The files kept in the report dir for the post-mortem (diagnostics, the driver's snapshot), relative to it, sorted. */
async function capturedFiles(files: Files, reportDir: string): Promise<string[]> {
  const own = new Set(['report.md', 'summary.json', 'incident.md', 'plan.json', 'plan.md']);
  const found: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await files.list(dir).catch(() => [])).sort()) {
      const path = join(dir, name);
      if ((await files.stat(path))?.type === 'dir') await walk(path, `${prefix}${name}/`);
      else if (!own.has(`${prefix}${name}`)) found.push(`${prefix}${name}`);
    }
  };
  await walk(reportDir, '');
  return found;
}
