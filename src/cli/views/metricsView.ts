import type { EnvMetrics } from '../../core/metrics/envMetrics.js';
import type { Figure } from '../../core/metrics/figure.js';
import type { Spread } from '../../core/metrics/stats.js';
import type { MetricsReport } from '../../operations/metrics.js';

/** The figures in the order they are told, with the names people use for them. */
const FIGURES: ReadonlyArray<[keyof EnvMetrics & string, string]> = [
  ['deploymentFrequency', 'deployment frequency'],
  ['changeFailureRate', 'change failure rate'],
  ['recoveryTime', 'failed deployment recovery time'],
  ['rollbackFrequency', 'rollbacks'],
  ['rollbackDuration', 'rollback duration'],
  ['slaBreaches', 'SLA breaches'],
  ['leadTime', 'lead time for changes'],
];

/** For people: per environment, each figure, how it is computed, and the counts it came from. */
export function metricsLines(report: MetricsReport): string[] {
  const { period } = report;
  const span = `the last ${period.since} (${stamp(period.from)} to ${stamp(period.to)})`;
  return report.environments.flatMap((m, i) => [
    ...(i > 0 ? [''] : []),
    `${m.app} ${m.env}, ${span}`,
    ...FIGURES.flatMap(([key, label]) => {
      const figure = m[key] as Figure;
      return [`  ${label}: ${figure.shown}`, `      how: ${figure.formula}`, `      from: ${figure.basis}`];
    }),
  ]);
}

/** For scripts: snake_case, durations in seconds, every figure with its formula and basis as printed. */
export function metricsJson(report: MetricsReport): Record<string, unknown> {
  const { period } = report;
  return {
    since: period.since,
    from: period.from,
    to: period.to,
    environments: report.environments.map(envJson),
  };
}

function envJson(m: EnvMetrics): Record<string, unknown> {
  const { deploymentFrequency: df, changeFailureRate: cfr, recoveryTime: rt, rollbackFrequency: rf, slaBreaches: sla, leadTime: lt } = m;
  return {
    app: m.app,
    env: m.env,
    deployment_frequency: {
      ...said(df), per_day: df.value, per_week: df.perWeek, deploys: df.live, recorded: df.recorded, never_live: df.neverLive,
    },
    change_failure_rate: { ...said(cfr), failed: cfr.failed, deploys: cfr.live, by: cfr.bySign },
    recovery_time: {
      ...said(rt), ...spread(rt), recovered: rt.failures.length - rt.open.length,
      failures: rt.failures.map((f) => ({
        release_id: f.releaseId, version: f.version, detected_at: f.detectedAt, recovered_at: f.recoveredAt,
      })),
    },
    rollbacks: {
      ...said(rf), value: rf.value, succeeded: rf.succeeded, failed: rf.failed, unfinished: rf.unfinished, by_trigger: rf.byTrigger,
      run_ids: rf.runIds,
    },
    rollback_duration: { ...said(m.rollbackDuration), ...spread(m.rollbackDuration) },
    sla_breaches: { ...said(sla), value: sla.value, sla_s: sla.slaSeconds, finished: sla.finished, run_ids: sla.runIds },
    lead_time: { ...said(lt), ...spread(lt), verified_deploys: lt.verified, unknown: lt.unknown },
  };
}

function said(figure: Figure): Record<string, unknown> {
  return { value: figure.value, shown: figure.shown, formula: figure.formula, basis: figure.basis };
}

/** A duration figure's value is its median: in seconds here, as every duration rewind prints for scripts. */
function spread(s: Spread): Record<string, unknown> {
  const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);
  return { value: seconds(s.medianMs), count: s.count, median_s: seconds(s.medianMs), p90_s: seconds(s.p90Ms) };
}

function stamp(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
