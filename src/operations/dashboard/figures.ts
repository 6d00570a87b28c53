import type { EnvMetrics } from '../../core/metrics/envMetrics.js';
import { weeklyDeploys } from '../../core/metrics/weekly.js';
import type { EnvDeps } from '../deps.js';
import { metrics, releasesSince } from '../metrics.js';

export interface EnvFigures {
  metrics: EnvMetrics;
  /** Deploys per week over the last 12 weeks, oldest first. */
  weekly: number[];
}

const WEEKS = 12;

/** The DORA figures of the last 30 days and 12 weeks of deploys, for the overview (paged queries over the period only). */
export async function envFigures(deps: EnvDeps): Promise<EnvFigures> {
  const now = deps.clock.now();
  const [report, releases] = await Promise.all([
    metrics(deps, { since: '30d', environments: [{ name: deps.envName, slaSeconds: deps.env.sla.rollback_seconds ?? null }] }),
    releasesSince(deps.ledger, deps.app, deps.envName, new Date(now.getTime() - WEEKS * 604_800_000).toISOString()),
  ]);
  return { metrics: report.environments[0] as EnvMetrics, weekly: weeklyDeploys(releases, now, WEEKS) };
}
