/**
 * What is left of an environment's history outside the ledger: the releases
 * rewind made that its targets still hold, and the runs its reports tell of.
 * An empty ledger next to such a record was lost, not new (pure).
 */
import type { MadeRelease } from './driver.js';
import { RewindError } from './errors.js';

/** One run as the reports dir tells it (trend.csv, a rollback's summary.json). */
export interface ReportedRun {
  runId: string;
  /** `deploy`, `rollback` or `drill`. */
  kind: string;
  fromVersion: string | null;
  toVersion: string | null;
  ok: boolean;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; the start plus the duration when only that is known. */
  finishedAt: string;
  requestedBy: string | null;
}

export interface HostRecord {
  host: string;
  /** Where the driver keeps releases on the host. */
  where: string;
  releases: MadeRelease[];
  /** The version the host runs now (its `current`), whoever made it. */
  running: string | null;
}

export interface EarlierRecord {
  /** Hosts whose driver keeps a record of its own (see Driver.madeReleases), in config order. */
  hosts: HostRecord[];
  /** Hosts that could not be asked, with why. */
  unreadable: Array<{ host: string; error: RewindError }>;
  reportsDir: string;
  /** This environment's runs in the reports, by start time. */
  runs: ReportedRun[];
}

export function hasEvidence(record: EarlierRecord): boolean {
  return record.hosts.some((h) => h.releases.length > 0) || record.runs.length > 0;
}

/** Every version the targets hold, oldest made first (by when it was made, then by name). */
export function versionsHeld(record: EarlierRecord): string[] {
  const first = new Map<string, string>();
  for (const host of record.hosts) {
    for (const r of host.releases) {
      const at = r.madeAt ?? '';
      const known = first.get(r.version);
      if (known === undefined || (at !== '' && (known === '' || at < known))) first.set(r.version, at);
    }
  }
  return [...first.entries()].sort(([va, a], [vb, b]) => (a < b ? -1 : a > b ? 1 : va < vb ? -1 : 1)).map(([v]) => v);
}

/** `3 releases made by rewind (v1, v2, v3)`, at most five named (the newest). */
function describeReleases(versions: readonly string[]): string {
  const shown = versions.length > 5 ? [...versions.slice(-5), `and ${versions.length - 5} older`] : versions;
  return `${count(versions.length, 'release')} made by rewind (${shown.join(', ')})`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What was found, as one clause: `/srv/shop/releases holds 2 releases made by rewind (v1, v2) and .rewind/reports holds 3 runs`. */
export function describeRecord(record: EarlierRecord, app: string, env: string): string {
  const parts: string[] = [];
  const holding = record.hosts.filter((h) => h.releases.length > 0);
  if (holding.length > 0) {
    const wheres = [...new Set(holding.map((h) => h.where))].join(', ');
    const on = record.hosts.length > 1 ? ` on ${holding.map((h) => h.host).join(', ')}` : '';
    const verb = holding.length > 1 ? 'hold' : 'holds';
    parts.push(`${wheres}${on} ${verb} ${describeReleases(versionsHeld(record))}`);
  }
  if (record.runs.length > 0) parts.push(`${record.reportsDir} holds ${count(record.runs.length, 'run')} of ${app} ${env}`);
  return parts.join(' and ');
}

/** The refusal: the ledger holds nothing of the environment, but its record elsewhere says it had a history. */
export function ledgerLost(ledger: string, record: EarlierRecord, app: string, env: string): RewindError {
  return new RewindError(
    'LEDGER_LOST',
    `the ledger ${ledger} is empty but ${describeRecord(record, app, env)}; ` +
      'run `rewind ledger rebuild` or pass --new-ledger to start afresh',
    { ledger, found: recordDetail(record) },
  );
}

/** For --json, the audit log and error details: what was found, without anything secret (paths, versions, counts). */
export function recordDetail(record: EarlierRecord): Record<string, unknown> {
  return {
    hosts: record.hosts
      .filter((h) => h.releases.length > 0)
      .map((h) => ({ host: h.host, where: h.where, versions: h.releases.map((r) => r.version) })),
    reports: { dir: record.reportsDir, runs: record.runs.length },
  };
}
