/** What metrics are computed from: one environment's ledger rows over a period, and its SLA. */
import type { Release } from '../release.js';
import type { Run } from '../run.js';

export interface EnvHistory {
  app: string;
  env: string;
  /** sla.rollback_seconds of the environment; null when none applies. */
  slaSeconds: number | null;
  /** At least every release deployed in the period; older ones are left out by the functions. */
  releases: readonly Release[];
  /** At least every run created in the period; older ones are left out. Drills are never counted. */
  runs: readonly Run[];
}

/** A rollback is counted once it started: a plan never carried out restored nothing and took no time. */
export function isStartedRollback(run: Run): boolean {
  return run.kind === 'rollback' && run.startedAt !== null;
}

/** A deploy rewind made, or one `record` registered for another system (`source` names it). */
export function isRecorded(release: Release): boolean {
  return release.source !== 'rewind';
}

export function earliest(times: ReadonlyArray<string | null | undefined>): string | null {
  let best: string | null = null;
  for (const at of times) {
    if (at === null || at === undefined || Number.isNaN(Date.parse(at))) continue;
    if (best === null || Date.parse(at) < Date.parse(best)) best = at;
  }
  return best;
}
