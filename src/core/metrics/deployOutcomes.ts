/**
 * Each deploy of the period and how it went: whether it went live, and
 * whether it then failed (the change failure rate's numerator) and when that
 * was detected (where recovery time starts).
 */
import type { Release } from '../release.js';
import type { Run } from '../run.js';
import { earliest, isRecorded, isStartedRollback, type EnvHistory } from './history.js';
import { inPeriod, type Period } from './period.js';
import { watchBreach } from './watchVerdict.js';

/** What showed a deploy failed; one deploy may show several. */
export type FailureSign = 'verification' | 'rollback' | 'watch';

export interface DeployOutcome {
  release: Release;
  /** Registered by `record` for another system: no run of rewind's made it. */
  recorded: boolean;
  /** The deploy run that made it; undefined for a recorded one. */
  run: Run | undefined;
  /** `current` switched to it at some point (activatedAt): only such a deploy can fail in production. */
  wentLive: boolean;
  failedBy: FailureSign[];
  /** The first moment the failure was known; null when it did not fail. */
  detectedAt: string | null;
}

/** Every deploy made in the period (by when it started), oldest first. */
export function deployOutcomes(history: EnvHistory, period: Period): DeployOutcome[] {
  const deployRuns = new Map<string, Run>();
  const rollbacksFrom = new Map<string, Run[]>();
  const breachesOf = new Map<string, string[]>();
  for (const run of history.runs) {
    if (run.kind === 'deploy' && run.toReleaseId) deployRuns.set(run.toReleaseId, run);
    if (isStartedRollback(run) && run.fromReleaseId) push(rollbacksFrom, run.fromReleaseId, run);
    const breach = watchBreach(run);
    if (breach?.releaseId) push(breachesOf, breach.releaseId, breach.at);
  }
  return history.releases
    .filter((release) => release.app === history.app && release.env === history.env && inPeriod(period, release.deployedAt))
    .sort((a, b) => Date.parse(a.deployedAt) - Date.parse(b.deployedAt))
    .map((release) => {
      const run = deployRuns.get(release.id);
      const rollbacks = rollbacksFrom.get(release.id) ?? [];
      const breaches = breachesOf.get(release.id) ?? [];
      const wentLive = release.activatedAt !== null;
      // A failed deploy run whose release went live failed after the switch: verification (or the reload before it).
      const failedAfterSwitch = wentLive && (run?.status === 'failed' || release.status === 'failed');
      const failedBy: FailureSign[] = wentLive ? [
        ...(failedAfterSwitch ? ['verification' as const] : []),
        ...(rollbacks.length > 0 || release.status === 'rolled_back' ? ['rollback' as const] : []),
        ...(breaches.length > 0 ? ['watch' as const] : []),
      ] : [];
      // markedBadAt is set again when a rollback leaves the release, so the runs date the detection better when they can.
      const detectedAt = failedBy.length === 0 ? null : earliest([
        release.markedBadAt,
        run?.status === 'failed' ? run.finishedAt : null,
        ...rollbacks.map((r) => r.createdAt),
        ...breaches,
      ]);
      return { release, recorded: isRecorded(release), run, wentLive, failedBy, detectedAt };
    });
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
