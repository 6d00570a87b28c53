/**
 * Failed deployment recovery time: from the moment a failure was detected to
 * the moment a verified release served again. A failure with no such moment
 * by the end of the period is open: not counted in the times, and said.
 */
import type { DeployOutcome } from './deployOutcomes.js';
import type { EnvHistory } from './history.js';
import type { Period } from './period.js';
import { spreadOf, type Spread } from './stats.js';

export interface Recovery {
  releaseId: string;
  version: string;
  detectedAt: string;
  /** When a verified release served again; null while the failure is open. */
  recoveredAt: string | null;
}

export interface RecoveryTimes extends Spread {
  failures: Recovery[];
  /** The failures not recovered by the end of the period. */
  open: Recovery[];
}

/**
 * The moments a verified release was serving (again): a rollback or a deploy
 * that finished verified, and a release's verification (which also dates a
 * deploy another system made, and `record`ed as verified). Drills change nothing and never count.
 */
export function verifiedMoments(history: EnvHistory): number[] {
  const moments: number[] = [];
  for (const run of history.runs) {
    if ((run.kind === 'rollback' || run.kind === 'deploy') && run.status === 'succeeded' && run.finishedAt) {
      moments.push(Date.parse(run.finishedAt));
    }
  }
  for (const release of history.releases) if (release.verifiedAt) moments.push(Date.parse(release.verifiedAt));
  return moments.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
}

export function recoveryTimes(outcomes: readonly DeployOutcome[], history: EnvHistory, period: Period): RecoveryTimes {
  const moments = verifiedMoments(history);
  const end = Date.parse(period.to);
  const failures = outcomes.flatMap((o): Recovery[] => {
    if (o.detectedAt === null) return [];
    const detected = Date.parse(o.detectedAt);
    const back = moments.find((t) => t >= detected && t <= end);
    return [{
      releaseId: o.release.id, version: o.release.version, detectedAt: o.detectedAt,
      recoveredAt: back === undefined ? null : new Date(back).toISOString(),
    }];
  });
  const recovered = failures.filter((f) => f.recoveredAt !== null);
  const spread = spreadOf(recovered.map((f) => Date.parse(f.recoveredAt as string) - Date.parse(f.detectedAt)));
  return { ...spread, failures, open: failures.filter((f) => f.recoveredAt === null) };
}
