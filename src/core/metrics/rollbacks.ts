/**
 * Rollbacks of the period (by when they started): how many, why, how they
 * ended, how long the finished ones took, and which took longer than the
 * environment's SLA (sla.rollback_seconds, the rule the reports use).
 * Drills are rehearsals: never counted.
 */
import type { Run } from '../run.js';
import { isStartedRollback, type EnvHistory } from './history.js';
import { inPeriod, type Period } from './period.js';
import { spreadOf, type Spread } from './stats.js';

/** Why rollbacks started, grouped as people ask: the deploy's own verification, a watch tier, someone. */
export type TriggerGroup = 'deploy verification' | 'watch' | 'manual' | 'other';

export interface RollbackFigures {
  started: Run[];
  succeeded: number;
  failed: number;
  /** Running, paused, interrupted or abandoned at the end of the period: no duration yet. */
  unfinished: number;
  byTrigger: Record<TriggerGroup, number>;
  /** Of the finished ones (succeeded or failed): from start to finish. */
  duration: Spread;
  slaSeconds: number | null;
  /** The finished rollbacks that took longer than the SLA. */
  slaBreaches: Run[];
}

export function triggerGroup(trigger: string): TriggerGroup {
  if (trigger === 'deploy.verify_failed') return 'deploy verification';
  if (trigger === 'watch' || /^watch[.:]/.test(trigger)) return 'watch';
  if (trigger === 'manual') return 'manual';
  return 'other';
}

export function durationOf(run: Run): number | null {
  if (!run.startedAt || !run.finishedAt || (run.status !== 'succeeded' && run.status !== 'failed')) return null;
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return Number.isNaN(ms) ? null : ms;
}

export function rollbackFigures(history: EnvHistory, period: Period): RollbackFigures {
  const started = history.runs
    .filter((run) => run.app === history.app && run.env === history.env && isStartedRollback(run) && inPeriod(period, run.startedAt))
    .sort((a, b) => Date.parse(a.startedAt as string) - Date.parse(b.startedAt as string));
  const byTrigger: Record<TriggerGroup, number> = { 'deploy verification': 0, watch: 0, manual: 0, other: 0 };
  for (const run of started) byTrigger[triggerGroup(run.trigger)] += 1;
  const finished = started.flatMap((run) => {
    const ms = durationOf(run);
    return ms === null ? [] : [{ run, ms }];
  });
  const sla = history.slaSeconds;
  return {
    started,
    succeeded: started.filter((r) => r.status === 'succeeded').length,
    failed: started.filter((r) => r.status === 'failed').length,
    unfinished: started.length - finished.length,
    byTrigger,
    duration: spreadOf(finished.map((f) => f.ms)),
    slaSeconds: sla,
    slaBreaches: sla === null ? [] : finished.filter((f) => f.ms > sla * 1000).map((f) => f.run),
  };
}
