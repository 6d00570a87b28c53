/**
 * The team's figures for one environment over a period (DESIGN, "rewind
 * metrics"), each with its formula and the counts it came from. Pure: the
 * ledger rows and the period come in; nothing is divided by zero, an empty
 * period says so.
 */
import { deployOutcomes, type DeployOutcome, type FailureSign } from './deployOutcomes.js';
import { count, decimal, minuteStamp, periodLength, type Figure } from './figure.js';
import type { EnvHistory } from './history.js';
import { leadTimes, type LeadTimes } from './leadTime.js';
import type { Period } from './period.js';
import { recoveryTimes, type RecoveryTimes } from './recovery.js';
import { rollbackFigures, type RollbackFigures, type TriggerGroup } from './rollbacks.js';
import { showSpread } from './stats.js';

export interface EnvMetrics {
  app: string;
  env: string;
  period: Period;
  deploymentFrequency: Figure & { live: number; recorded: number; neverLive: number; perWeek: number | null };
  changeFailureRate: Figure & { failed: number; live: number; bySign: Record<FailureSign, number> };
  recoveryTime: Figure & RecoveryTimes;
  rollbackFrequency: Figure & Omit<RollbackFigures, 'started' | 'duration' | 'slaBreaches' | 'slaSeconds'> & { runIds: string[] };
  rollbackDuration: Figure & RollbackFigures['duration'];
  slaBreaches: Figure & { slaSeconds: number | null; finished: number; runIds: string[] };
  leadTime: Figure & LeadTimes;
}

const NO_DEPLOYS = 'no deploys in the period';
const DAY_MS = 86_400_000;

export function envMetrics(history: EnvHistory, period: Period): EnvMetrics {
  const outcomes = deployOutcomes(history, period);
  const rollbacks = rollbackFigures(history, period);
  return {
    app: history.app,
    env: history.env,
    period,
    deploymentFrequency: frequency(outcomes, period),
    changeFailureRate: failureRate(outcomes),
    recoveryTime: recovery(outcomes, recoveryTimes(outcomes, history, period)),
    rollbackFrequency: rollbackCount(rollbacks, period),
    rollbackDuration: {
      ...rollbacks.duration,
      value: rollbacks.duration.medianMs,
      shown: rollbacks.duration.count === 0 ? 'no finished rollbacks in the period' : showSpread(rollbacks.duration),
      formula: 'finished - started, of the rollbacks that succeeded or failed; median and p90',
      basis: `of ${count(rollbacks.duration.count, 'finished rollback')}`,
    },
    slaBreaches: sla(rollbacks),
    leadTime: lead(leadTimes(outcomes)),
  };
}

function frequency(outcomes: readonly DeployOutcome[], period: Period): EnvMetrics['deploymentFrequency'] {
  const live = outcomes.filter((o) => o.wentLive);
  const recorded = live.filter((o) => o.recorded).length;
  const neverLive = outcomes.length - live.length;
  const perDay = live.length / (period.lengthMs / DAY_MS);
  const notes = [
    ...(recorded > 0 ? [`${recorded} of them recorded from other systems`] : []),
    ...(neverLive > 0 ? [`${count(neverLive, 'more deploy')} never went live (not counted)`] : []),
  ];
  return {
    value: live.length === 0 ? null : perDay,
    shown: live.length === 0 ? NO_DEPLOYS : perDay >= 1 ? `${decimal(perDay)} per day` : `${decimal(perDay * 7)} per week`,
    formula: 'deploys that went live / days in the period',
    basis: `${count(live.length, 'deploy')} in ${periodLength(period.lengthMs)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    live: live.length,
    recorded,
    neverLive,
    perWeek: live.length === 0 ? null : perDay * 7,
  };
}

const SIGN_WORDS: Record<FailureSign, string> = {
  verification: 'failed verification',
  rollback: 'rolled back',
  watch: 'crossed a watch tier 1 or 2',
};

function failureRate(outcomes: readonly DeployOutcome[]): EnvMetrics['changeFailureRate'] {
  const live = outcomes.filter((o) => o.wentLive);
  const failed = live.filter((o) => o.failedBy.length > 0);
  const bySign: Record<FailureSign, number> = { verification: 0, rollback: 0, watch: 0 };
  for (const o of failed) for (const sign of o.failedBy) bySign[sign] += 1;
  const signs = (Object.keys(bySign) as FailureSign[]).filter((s) => bySign[s] > 0).map((s) => `${bySign[s]} ${SIGN_WORDS[s]}`);
  const rate = live.length === 0 ? null : failed.length / live.length;
  return {
    value: rate,
    shown: rate === null ? NO_DEPLOYS : `${decimal(rate * 100)}%`,
    formula: 'deploys that went live and then failed verification, were rolled back or crossed a watch tier 1 or 2 ' +
      '/ deploys that went live',
    basis: `${failed.length} of ${count(live.length, 'deploy')}${signs.length > 0 ? ` (${signs.join(', ')})` : ''}`,
    failed: failed.length,
    live: live.length,
    bySign,
  };
}

function recovery(outcomes: readonly DeployOutcome[], times: RecoveryTimes): EnvMetrics['recoveryTime'] {
  const recovered = times.failures.length - times.open.length;
  const shown = !outcomes.some((o) => o.wentLive) ? NO_DEPLOYS
    : times.failures.length === 0 ? 'no failed deploys in the period'
      : recovered === 0 ? 'none recovered yet'
        : showSpread(times);
  const open = times.open.map((f) => `${f.version} since ${minuteStamp(f.detectedAt)}`);
  return {
    ...times,
    value: times.medianMs,
    shown,
    formula: 'from the failure detected to a verified release serving again; median and p90',
    basis: `${count(recovered, 'recovered failure')}${open.length > 0 ? `; ${open.length} open, not counted: ${open.join(', ')}` : ''}`,
  };
}

function rollbackCount(rollbacks: RollbackFigures, period: Period): EnvMetrics['rollbackFrequency'] {
  const n = rollbacks.started.length;
  const perWeek = n / (period.lengthMs / (7 * DAY_MS));
  const unfinished = rollbacks.unfinished > 0 ? [`${rollbacks.unfinished} unfinished`] : [];
  const ended = [`${rollbacks.succeeded} succeeded`, `${rollbacks.failed} failed`, ...unfinished];
  const triggers = (Object.keys(rollbacks.byTrigger) as TriggerGroup[]).filter((t) => rollbacks.byTrigger[t] > 0)
    .map((t) => `${t} ${rollbacks.byTrigger[t]}`);
  return {
    value: n,
    shown: n === 0 ? 'no rollbacks in the period' : `${n} (${decimal(perWeek)} per week)`,
    formula: 'rollbacks started in the period; drills are not counted',
    basis: n === 0
      ? `0 rollbacks in ${periodLength(period.lengthMs)}`
      : `${count(n, 'rollback')}: ${ended.join(', ')}; started by ${triggers.join(', ')}`,
    succeeded: rollbacks.succeeded,
    failed: rollbacks.failed,
    unfinished: rollbacks.unfinished,
    byTrigger: rollbacks.byTrigger,
    runIds: rollbacks.started.map((r) => r.id),
  };
}

function sla(rollbacks: RollbackFigures): EnvMetrics['slaBreaches'] {
  const finished = rollbacks.duration.count;
  const breaches = rollbacks.slaBreaches.length;
  const seconds = rollbacks.slaSeconds;
  return {
    value: seconds === null || finished === 0 ? null : breaches,
    shown: seconds === null ? 'no SLA configured' : finished === 0 ? 'no finished rollbacks in the period' : `${breaches} of ${finished}`,
    formula: `finished rollbacks that took longer than sla.rollback_seconds${seconds === null ? '' : ` (${decimal(seconds, 3)} s)`}`,
    basis: `${breaches} of ${count(finished, 'finished rollback')}`,
    slaSeconds: seconds,
    finished,
    runIds: rollbacks.slaBreaches.map((r) => r.id),
  };
}

function lead(times: LeadTimes): EnvMetrics['leadTime'] {
  const shown = times.verified === 0 ? 'no verified deploys in the period'
    : times.count === 0 ? 'not known: no commit time was recorded for these deploys'
      : showSpread(times);
  return {
    ...times,
    value: times.medianMs,
    shown,
    formula: 'deploy finished verified - commit time of its sha; median and p90',
    basis: `known for ${times.count} of ${count(times.verified, 'verified deploy')}`,
  };
}
