/**
 * One sample of `bench:watch`: with v2 live, start `rewind watch --for 2m`,
 * let it tick green a few times, break the signal at T0, and time T0 to the
 * first /health answer that reports v1's sha (polled every 10 ms, a new
 * connection each time). The watch's JSON says when it decided and when its
 * rollback finished, on the wall clock: T0 is taken on both clocks.
 */
import type { Cleanups } from './cleanups.js';
import { whenAllServe } from './poll.js';
import { startWatch } from './watchChild.js';
import type { WatchMode } from './watchModes.js';

export interface WatchTimes {
  /** T0 to the first /health answer from v1. */
  toHealthMs: number;
  /** T0 to the watch's decision (`decision.at`). */
  toDecisionMs: number;
  /** The decision to the first /health answer from v1. */
  decisionToHealthMs: number;
  /** The decision to the end of the rollback run (its verification included). */
  decisionToDoneMs: number;
}

/** Green ticks seen before T0: the watch is reading its source, and its window has started. */
const TICKS_BEFORE_T0 = 4;
export const HEALTH_POLL_MS = 10;

export async function timedWatch(cleanups: Cleanups, root: string, baseUrl: string, v1Sha: string, mode: WatchMode): Promise<WatchTimes> {
  const watch = startWatch(root, ['--for', '2m']);
  cleanups.after(() => watch.stop());
  try {
    await watch.ticked(TICKS_BEFORE_T0);
    const t0Wall = Date.now();
    const t0 = performance.now();
    mode.breach();
    const seen = await whenAllServe([baseUrl], v1Sha, 30_000, HEALTH_POLL_MS);
    const { code, doc, stderr } = await watch.ended;
    const to = doc.rollback?.plan.to.version;
    if (code !== 1 || doc.outcome !== 'rolled_back' || doc.rollback?.ok !== true || doc.decision === null) {
      throw new Error(`bench: the watch did not roll back (exit ${code}, outcome ${doc.outcome}, to ${to}): ${stderr.slice(-1500)}`);
    }
    const decided = Date.parse(doc.decision.at);
    const done = Date.parse(doc.rollback.run.finished_at ?? '');
    const seenWall = t0Wall + (seen - t0);
    return {
      toHealthMs: seen - t0, toDecisionMs: decided - t0Wall, decisionToHealthMs: seenWall - decided, decisionToDoneMs: done - decided,
    };
  } finally {
    await watch.stop();
  }
}
