/**
 * A watch run as the ledger keeps it: what is watched until when, and every
 * tick's verdict, compactly: consecutive ticks with the same verdict are one
 * segment, so a ten-minute watch that stayed green is one row of history
 * however short its interval, and `report` and the dashboard can draw it.
 */
import type { ConditionState, TierAction } from './measurement.js';
import type { WatchAssessment } from './tiers.js';

export interface WatchSegment {
  /** ISO times of the first and the last tick of the segment. */
  from: string;
  to: string;
  ticks: number;
  /** The worst state of any condition at these ticks. */
  state: ConditionState;
  /** The tier of the condition that decided the state; null while every condition is ok. */
  tier: number | null;
  /** That condition's label; null while every condition is ok. */
  condition: string | null;
  /** Its reason at the segment's last tick. */
  reason: string | null;
}

/** What the watch decided to do, once a tier acted (tier 3 only records, and watching goes on). */
export interface WatchDecision {
  tier: 1 | 2 | 3;
  action: TierAction;
  condition: string;
  reason: string;
  at: string;
}

export interface WatchPlan {
  kind: 'watch';
  releaseId: string;
  version: string;
  sha: string | null;
  /** ISO: when watching began and when it ends at the latest. */
  startedAt: string;
  until: string;
  intervalMs: number;
  segments: WatchSegment[];
  /** The tier 1 or 2 decision that ended the watch, once there is one. */
  decision: WatchDecision | null;
  /** Tier-3 conditions recorded so far (each once per run). */
  recorded: string[];
  /** The rollback a tier-1 decision started. */
  childRunId: string | null;
}

/** More than this many segments (a metric flapping all day) and the oldest two are merged: the history stays bounded. */
export const MAX_SEGMENTS = 500;

const SEVERITY: Record<ConditionState, number> = { ok: 0, inconclusive: 1, error: 2, breached: 3 };

/** One tick's verdict as a segment of one tick: the worst condition decides (a breach before an error before no data). */
export function tickSegment(assessment: WatchAssessment, at: string): WatchSegment {
  const worst = assessment.triggered ?? [...assessment.conditions].sort(
    (a, b) => SEVERITY[b.verdict.state] - SEVERITY[a.verdict.state] || a.tier - b.tier,
  )[0];
  if (!worst || worst.verdict.state === 'ok') return { from: at, to: at, ticks: 1, state: 'ok', tier: null, condition: null, reason: null };
  return {
    from: at, to: at, ticks: 1, state: worst.verdict.state, tier: worst.tier, condition: worst.condition.label,
    reason: worst.verdict.reason,
  };
}

/** Add one tick to the history: it extends the last segment when the verdict is the same, else starts one. */
export function addTick(segments: readonly WatchSegment[], tick: WatchSegment): WatchSegment[] {
  const last = segments.at(-1);
  if (last && last.state === tick.state && last.tier === tick.tier && last.condition === tick.condition) {
    return [...segments.slice(0, -1), { ...last, to: tick.to, ticks: last.ticks + tick.ticks, reason: tick.reason }];
  }
  const grown = [...segments, tick];
  if (grown.length <= MAX_SEGMENTS) return grown;
  const [a, b, ...rest] = grown as [WatchSegment, WatchSegment, ...WatchSegment[]];
  const worse = SEVERITY[b.state] > SEVERITY[a.state] ? b : a;
  return [{ ...worse, from: a.from, to: b.to, ticks: a.ticks + b.ticks }, ...rest];
}

/** The one line a tick shows: `12:00:03 ok` or `12:00:04 BREACHED tier 1: query "..." = 0.5 above 0.2 for 2s (held 1.0s)`. */
export function tickLine(tick: WatchSegment, leftMs: number): string {
  const time = tick.to.slice(11, 19);
  const left = `${Math.max(0, Math.ceil(leftMs / 1000))}s left`;
  if (tick.state === 'ok') return `${time} ok (${left})`;
  return `${time} ${tick.state === 'breached' ? 'BREACHED' : tick.state} tier ${tick.tier}: ${tick.reason ?? tick.condition} (${left})`;
}
