/**
 * An environment's runs as its reports dir tells them: a row of trend.csv for
 * every deploy, rollback and drill, and a summary.json for every rollback
 * (which still tells of it when trend.csv is gone). Read-only; what cannot
 * be read or parsed is skipped: this recovers a history, it does not judge one.
 */
import { join } from 'node:path';
import type { ReportedRun } from '../../core/earlierRecord.js';
import type { Files } from '../../core/ports.js';
import { csvObjects } from './csvRecords.js';
import { reportsRoot } from './writeRollbackReports.js';

export async function reportedRuns(files: Files, stateDir: string, app: string, env: string): Promise<ReportedRun[]> {
  const root = reportsRoot(stateDir);
  const byId = new Map<string, ReportedRun>();
  const trend = await files.readFile(join(root, 'trend.csv')).catch(() => undefined);
  for (const row of csvObjects(trend ?? '')) {
    if (row.app !== app || row.env !== env) continue;
    const run = fromTrendRow(row);
    if (run) byId.set(run.runId, run);
  }
  for (const name of await files.list(join(root, 'rollbacks')).catch(() => [] as string[])) {
    if (byId.has(name)) continue;
    const text = await files.readFile(join(root, 'rollbacks', name, 'summary.json')).catch(() => undefined);
    const run = text === undefined ? undefined : fromSummary(jsonObject(text), app, env);
    if (run) byId.set(run.runId, run);
  }
  return [...byId.values()].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : kindOrder(a) - kindOrder(b)));
}

/** Runs that started in the same second: a deploy comes before the rollback it started. */
function kindOrder(run: ReportedRun): number {
  return run.kind === 'deploy' ? 0 : 1;
}

function fromTrendRow(row: Record<string, string>): ReportedRun | undefined {
  const startedAt = isoOrNull(row.date);
  if (!row.run_id || !row.kind || startedAt === null) return undefined;
  const seconds = Number(row.duration_s);
  return {
    runId: row.run_id,
    kind: row.kind,
    fromVersion: row.from_version || null,
    toVersion: row.to_version || null,
    ok: row.status === 'success',
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + (Number.isFinite(seconds) ? seconds * 1000 : 0)).toISOString(),
    requestedBy: row.requested_by || null,
  };
}

function fromSummary(summary: Record<string, unknown> | undefined, app: string, env: string): ReportedRun | undefined {
  if (!summary || summary.app !== app || summary.env !== env || typeof summary.run_id !== 'string') return undefined;
  const startedAt = isoOrNull(summary.started_at);
  if (startedAt === null) return undefined;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    runId: summary.run_id,
    kind: summary.dry_run === true ? 'drill' : 'rollback',
    fromVersion: text(summary.from_version),
    toVersion: text(summary.to_version),
    ok: summary.status === 'success',
    startedAt,
    finishedAt: isoOrNull(summary.finished_at) ?? startedAt,
    requestedBy: text(summary.requested_by),
  };
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
