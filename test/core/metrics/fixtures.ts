/** Hand-made ledger histories: releases and runs as rewind writes them, dated in April 2026. */
import type { EnvHistory } from '../../../src/core/metrics/history.js';
import { periodEnding } from '../../../src/core/metrics/period.js';
import type { Release } from '../../../src/core/release.js';
import type { Run, RunKind } from '../../../src/core/run.js';

export const NOW = new Date('2026-05-01T00:00:00.000Z');
/** 2026-04-01T00:00:00Z to NOW. */
export const PERIOD = periodEnding(NOW, '30d');

/** A moment on an April day: `at(3, 10)` is 2026-04-03 00:00:10 UTC. */
export function at(day: number, seconds = 0): string {
  return new Date(Date.UTC(2026, 3, day) + seconds * 1000).toISOString();
}

let seq = 0;

export function release(version: string, fields: Partial<Release> = {}): Release {
  seq += 1;
  return {
    id: `rel-${version}-${seq}`, app: 'shop', env: 'production', version, sha: null, artifact: null, status: 'superseded',
    deployedBy: 'me', deployedAt: at(1), verifiedAt: null, markedBadAt: null, activatedAt: null, migrations: [], source: 'rewind',
    ...fields,
  };
}

export function run(kind: RunKind, fields: Partial<Run> = {}): Run {
  seq += 1;
  return {
    id: `${kind}-${seq}`, app: 'shop', env: 'production', kind, status: 'succeeded', fromVersion: null, toVersion: null,
    fromReleaseId: null, toReleaseId: null, requestedBy: 'me', approvedBy: null, reason: null, trigger: 'manual', plan: null,
    createdAt: at(1), startedAt: at(1), finishedAt: at(1), error: null, ...fields,
  };
}

export interface Deployed {
  release: Release;
  run: Run;
}

/** A deploy that went live at +10 s and finished verified at +30 s. */
export function goodDeploy(version: string, day: number, fields: Partial<Release> = {}): Deployed {
  const made = release(version, { deployedAt: at(day), activatedAt: at(day, 10), verifiedAt: at(day, 30), ...fields });
  return { release: made, run: deployRun(made, day, 'succeeded', 30) };
}

/** A deploy that went live at +10 s and failed verification at +20 s (its run finished then, or after its rollback). */
export function failedDeploy(version: string, day: number, finishedAfter = 20): Deployed {
  const made = release(version, { deployedAt: at(day), activatedAt: at(day, 10), status: 'failed', markedBadAt: at(day, 20) });
  return { release: made, run: deployRun(made, day, 'failed', finishedAfter) };
}

function deployRun(made: Release, day: number, status: Run['status'], finishedAfter: number): Run {
  return run('deploy', {
    toVersion: made.version, toReleaseId: made.id, createdAt: at(day), startedAt: at(day), finishedAt: at(day, finishedAfter), status,
  });
}

/** A rollback run from one release to another, started `start` seconds into `day` and lasting `seconds`. */
export function rollback(from: Release, to: Release, day: number, start: number, seconds: number, fields: Partial<Run> = {}): Run {
  return run('rollback', {
    fromVersion: from.version, toVersion: to.version, fromReleaseId: from.id, toReleaseId: to.id,
    createdAt: at(day, start), startedAt: at(day, start), finishedAt: at(day, start + seconds), ...fields,
  });
}

export function history(parts: { releases?: Release[]; runs?: Run[]; slaSeconds?: number | null }): EnvHistory {
  return { app: 'shop', env: 'production', slaSeconds: parts.slaSeconds === undefined ? 90 : parts.slaSeconds,
    releases: parts.releases ?? [], runs: parts.runs ?? [] };
}

/** The releases and runs of some deploys, flattened. */
export function rows(...deployed: Deployed[]): { releases: Release[]; runs: Run[] } {
  return { releases: deployed.map((d) => d.release), runs: deployed.map((d) => d.run) };
}
