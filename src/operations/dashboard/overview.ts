/**
 * What the dashboard's overview shows of one environment, by indexed
 * queries only (a ledger of years costs the same as a week's): what runs now
 * and since when, the last known good, an open incident (a run that failed,
 * waits or stopped), and the latest runs.
 */
import type { Release } from '../../core/release.js';
import type { Run } from '../../core/run.js';
import type { EnvDeps } from '../deps.js';
import { history } from '../history.js';
import { findLastKnownGood, scopeOf } from '../ledgerLookups.js';
import { watchHealth } from '../watch/watchHealth.js';

export interface EnvOverview {
  env: string;
  driver: string;
  live: Release | null;
  lastKnownGood: Release | null;
  /** A run someone must look at: waiting for approval or a decision, paused, interrupted, or the newest run when it failed. */
  incident: Run | null;
  recentRuns: Run[];
  /** The health check asked once now (one attempt on every host, at most HEALTH_MS), or null without one. */
  health: { ok: boolean; reason: string } | null;
}

/** A page must not wait on a hung endpoint: one attempt, this long at most. */
const HEALTH_MS = 1500;

const OPEN: readonly Run['status'][] = ['awaiting_approval', 'paused', 'interrupted'];

export async function envOverview(deps: EnvDeps, recent = 8): Promise<EnvOverview> {
  const live = (await deps.ledger.liveRelease(scopeOf(deps))) ?? null;
  const asked = live ? watchHealth(deps, { version: live.version, sha: live.sha }, HEALTH_MS) : undefined;
  const [good, page, health] = await Promise.all([
    findLastKnownGood(deps, live ?? undefined), history(deps, { limit: recent }), asked ? asked() : null,
  ]);
  const runs = page.runs;
  const incident = runs.find((r) => OPEN.includes(r.status)) ?? (runs[0]?.status === 'failed' ? runs[0] : null) ?? null;
  return {
    env: deps.envName, driver: deps.driverKind, live, lastKnownGood: good && good.id !== live?.id ? good : (good ?? null),
    incident, recentRuns: runs, health,
  };
}
