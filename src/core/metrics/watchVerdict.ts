/**
 * What a watch run says about the release it watched, read from the run alone
 * (its plan is the watch's record, see core/watch/watchPlan.ts). Read
 * defensively: a watch run saved by another version of rewind may have a
 * plan of another shape, and then only its status speaks.
 */
import type { Run } from '../run.js';

export interface WatchBreach {
  runId: string;
  releaseId: string | null;
  tier: 1 | 2;
  /** When the tier decided; the run's own times when the plan does not say. */
  at: string;
}

/** A tier 1 (rolled back) or tier 2 (paused for a person) decision of a watch run; undefined otherwise. */
export function watchBreach(run: Run): WatchBreach | undefined {
  if (run.kind !== 'watch') return undefined;
  const plan = objectOf(run.plan);
  const decision = objectOf(plan?.decision);
  const releaseId = run.toReleaseId ?? (typeof plan?.releaseId === 'string' ? plan.releaseId : null);
  const fallbackAt = run.finishedAt ?? run.startedAt ?? run.createdAt;
  if (decision && (decision.tier === 1 || decision.tier === 2)) {
    return { runId: run.id, releaseId, tier: decision.tier, at: typeof decision.at === 'string' ? decision.at : fallbackAt };
  }
  // A tier 2 breach leaves the run paused, whatever else its plan says.
  if (run.status === 'paused') return { runId: run.id, releaseId, tier: 2, at: fallbackAt };
  return undefined;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
