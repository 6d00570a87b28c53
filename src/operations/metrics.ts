/**
 * `rewind metrics`: the team's figures per environment over a period, from
 * the ledger alone. Lists come newest first a page at a time, and paging stops
 * at the first page that reaches back past the period: a ledger of years is
 * never read whole.
 */
import { envMetrics, type EnvMetrics } from '../core/metrics/envMetrics.js';
import { periodEnding, type Period } from '../core/metrics/period.js';
import type { Ledger } from '../core/ports.js';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';

export interface MetricsRequest {
  /** `30d`, `12h`, `2w` (see core/metrics/period). */
  since: string;
  /** The environments to compute, each with its sla.rollback_seconds. */
  environments: ReadonlyArray<{ name: string; slaSeconds: number | null }>;
}

export interface MetricsReport {
  period: Period;
  environments: EnvMetrics[];
}

/** Big enough that a month of a busy team is one page, small enough that a page is quick. */
export const METRICS_PAGE = 500;

export async function metrics(deps: Pick<EnvDeps, 'ledger' | 'app' | 'clock'>, request: MetricsRequest): Promise<MetricsReport> {
  const period = periodEnding(deps.clock.now(), request.since);
  const environments = await Promise.all(request.environments.map(async ({ name, slaSeconds }) => {
    const [releases, runs] = await Promise.all([
      releasesSince(deps.ledger, deps.app, name, period.from),
      runsSince(deps.ledger, deps.app, name, period.from),
    ]);
    return envMetrics({ app: deps.app, env: name, slaSeconds, releases, runs }, period);
  }));
  return { period, environments };
}

export async function releasesSince(ledger: Ledger, app: string, env: string, from: string): Promise<Release[]> {
  return pagesSince(from, (r) => r.deployedAt, (before) => ledger.listReleases({ app, env, limit: METRICS_PAGE, before }));
}

async function runsSince(ledger: Ledger, app: string, env: string, from: string): Promise<Run[]> {
  return pagesSince(from, (r) => r.createdAt, (before) => ledger.listRuns({ app, env, limit: METRICS_PAGE, before }));
}

/** Pages, newest first, until one ends before `from` (the functions leave out what is older) or the list ends. */
async function pagesSince<T extends { id: string }>(
  from: string,
  dateOf: (item: T) => string,
  page: (before: string | undefined) => Promise<T[]>,
): Promise<T[]> {
  const start = Date.parse(from);
  const all: T[] = [];
  let before: string | undefined;
  for (;;) {
    const items = await page(before);
    all.push(...items);
    const oldest = items.at(-1);
    if (!oldest || items.length < METRICS_PAGE || Date.parse(dateOf(oldest)) < start) return all;
    before = oldest.id;
  }
}
