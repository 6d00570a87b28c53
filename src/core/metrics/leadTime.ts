/**
 * Lead time for changes: from the commit time of the deployed sha to when its
 * deploy finished verified. Known only where the commit time was recorded
 * (a source that knows the sha, such as git); the others are counted as unknown.
 */
import type { DeployOutcome } from './deployOutcomes.js';
import { spreadOf, type Spread } from './stats.js';

export interface LeadTimes extends Spread {
  /** The deploys that finished verified: the ones lead time is about. */
  verified: number;
  /** Of those, the ones whose commit time is not known. */
  unknown: number;
}

export function leadTimes(outcomes: readonly DeployOutcome[]): LeadTimes {
  const verified = outcomes.filter((o) => o.wentLive && (o.recorded ? o.release.verifiedAt !== null : o.run?.status === 'succeeded'));
  const known = verified.flatMap((o) => {
    const committed = o.release.committedAt ? Date.parse(o.release.committedAt) : Number.NaN;
    // A recorded deploy has no run: it counts from when it was recorded verified.
    const done = Date.parse((o.recorded ? o.release.verifiedAt : o.run?.finishedAt) ?? '');
    return Number.isNaN(committed) || Number.isNaN(done) || done < committed ? [] : [done - committed];
  });
  return { ...spreadOf(known), verified: verified.length, unknown: verified.length - known.length };
}
