/**
 * Re-creating a lost ledger's releases from what is left (pure): one release
 * per version that rewind made and a target still holds, with the best
 * status the record supports.
 *
 * - A version exists if a target holds it (its manifest gives sha and artifact).
 *   Versions the reports name that no target holds are not re-created.
 * - Its status is what the last report about it says, reports taken in the
 *   order the runs started: a deploy that succeeded, or a rollback that
 *   succeeded to it, verified it; a deploy that failed marks it `failed`, a
 *   rollback that succeeded away from it `rolled_back`. Drills and failed
 *   rollbacks say nothing about a release.
 * - The version `current` points at (on most hosts) is the live one: `verified`
 *   when a report verified it, `live` when none did, or still failed/rolled
 *   back when that is the last word about it. Every other release is
 *   `superseded`, keeping when it was verified, so it can be the last known good.
 * - A release no report verified is never verified: no rollback goes to it by
 *   default. The migrations a release applied are not known (none recorded).
 */
import type { MadeRelease } from './driver.js';
import type { EarlierRecord, ReportedRun } from './earlierRecord.js';
import { versionsHeld } from './earlierRecord.js';
import { makeId } from './ids.js';
import type { Release, ReleaseStatus } from './release.js';

export interface RebuiltRelease {
  release: Release;
  /** Why it has its status, for the person reading the rebuild's output. */
  basis: string;
}

export interface Rebuild {
  /** Oldest first: the order they are inserted in, so the ledger lists them newest first. */
  releases: RebuiltRelease[];
  /** The version most hosts point at, which the rebuilt ledger calls live; null when none holds one of rewind's releases. */
  live: string | null;
  /** Versions the reports name that no target holds: not re-created. */
  onlyInReports: string[];
}

export interface RebuildInput {
  app: string;
  env: string;
  now: Date;
  random: () => string;
}

interface Evidence {
  verifiedAt: string | null;
  bad: { status: 'failed' | 'rolled_back'; at: string } | null;
  deployed: { at: string; by: string | null } | null;
  switchedAt: string | null;
  basis: string | null;
}

export function rebuildReleases(record: EarlierRecord, input: RebuildInput): Rebuild {
  const held = versionsHeld(record);
  const evidence = new Map<string, Evidence>(held.map((v) => [v, noEvidence()]));
  for (const run of record.runs) applyRun(evidence, run);
  const live = liveVersion(record, held);
  const at = input.now.toISOString();
  const releases = held.map((version): RebuiltRelease => {
    const made = madeOf(record, version);
    const e = evidence.get(version) as Evidence;
    const status = statusOf(e, version === live);
    return {
      release: {
        id: makeId('rel', input.now, input.random()),
        app: input.app,
        env: input.env,
        version,
        sha: made.sha,
        artifact: made.artifact,
        status,
        deployedBy: e.deployed?.by ?? 'unknown',
        deployedAt: e.deployed?.at ?? made.madeAt ?? at,
        verifiedAt: e.verifiedAt,
        markedBadAt: e.bad?.at ?? null,
        activatedAt: version === live ? (e.switchedAt ?? e.deployed?.at ?? made.madeAt ?? at) : null,
        migrations: [],
        source: 'rewind',
        rebuiltAt: at,
      },
      basis: [e.basis ?? 'no report tells of it', ...(version === live ? ['current points at it'] : [])].join('; '),
    };
  });
  const order = (r: RebuiltRelease) => held.indexOf(r.release.version);
  releases.sort((a, b) => compare(a.release.deployedAt, b.release.deployedAt) || order(a) - order(b));
  const named = new Set(record.runs.flatMap((r) => (r.kind === 'drill' ? [] : [r.fromVersion, r.toVersion])));
  const onlyInReports = [...named].filter((v): v is string => v !== null && !evidence.has(v)).sort();
  return { releases, live, onlyInReports };
}

function noEvidence(): Evidence {
  return { verifiedAt: null, bad: null, deployed: null, switchedAt: null, basis: null };
}

function applyRun(evidence: Map<string, Evidence>, run: ReportedRun): void {
  const to = run.toVersion === null ? undefined : evidence.get(run.toVersion);
  const from = run.fromVersion === null ? undefined : evidence.get(run.fromVersion);
  if (run.kind === 'deploy' && to) {
    to.deployed = { at: run.startedAt, by: run.requestedBy };
    to.switchedAt = run.startedAt;
    if (run.ok) verified(to, run.finishedAt, `verified: deploy ${run.runId} succeeded`);
    else marked(to, 'failed', run.finishedAt, `failed: deploy ${run.runId} failed`);
  } else if (run.kind === 'rollback' && run.ok) {
    if (to) {
      to.switchedAt = run.finishedAt;
      verified(to, run.finishedAt, `verified: rollback ${run.runId} to it succeeded`);
    }
    if (from) marked(from, 'rolled_back', run.finishedAt, `rolled back: rollback ${run.runId} left it`);
  }
}

function verified(e: Evidence, at: string, basis: string): void {
  e.verifiedAt = at;
  e.bad = null;
  e.basis = basis;
}

function marked(e: Evidence, status: 'failed' | 'rolled_back', at: string, basis: string): void {
  e.bad = { status, at };
  e.basis = basis;
}

function statusOf(e: Evidence, live: boolean): ReleaseStatus {
  if (e.bad) return e.bad.status;
  if (live) return e.verifiedAt !== null ? 'verified' : 'live';
  return 'superseded';
}

/** The version most hosts run, of those rewind made; ties go to the host listed first. */
function liveVersion(record: EarlierRecord, held: readonly string[]): string | null {
  const votes = new Map<string, number>();
  for (const host of record.hosts) {
    if (host.running !== null && held.includes(host.running)) votes.set(host.running, (votes.get(host.running) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [version, n] of votes) if (best === null || n > (votes.get(best) as number)) best = version;
  return best;
}

/** The first host's record of a version, with a sha from any host that knows one. */
function madeOf(record: EarlierRecord, version: string): MadeRelease {
  const all = record.hosts.flatMap((h) => h.releases.filter((r) => r.version === version));
  const first = all[0] as MadeRelease;
  return { ...first, sha: all.find((r) => r.sha !== null)?.sha ?? null };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
