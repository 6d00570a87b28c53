/**
 * The verdict over a whole watch at one instant: every condition of every
 * tier assessed over its source's readings, and the one tier that must act.
 * Pure; the watch run takes the readings and carries out the action.
 */
import type { ConditionVerdict, Measurement, TierAction, WatchCondition, WatchConfig } from './measurement.js';
import { sourceKey } from './readings.js';
import { assessCondition } from './verdict.js';

/** One condition's verdict, with the tier it belongs to. */
export interface ConditionAssessment {
  tier: 1 | 2 | 3;
  action: TierAction;
  /** The key of its source's readings (sourceKey). */
  key: string;
  condition: WatchCondition;
  verdict: ConditionVerdict;
}

export interface WatchAssessment {
  /** The condition whose tier acts now, or null when none must: the most severe tier with a breached or erroring condition. */
  triggered: ConditionAssessment | null;
  /** Every condition, by tier (1 first), each tier's in the order written: for the live line and the ledger. */
  conditions: ConditionAssessment[];
}

/**
 * `readings` maps each source's key (sourceKey) to its readings, oldest first.
 * Tier 1 acts before 2, 2 before 3. Within a tier a breach is named before a
 * condition that is only past its error limit (the stronger evidence), else
 * the first in the order written.
 */
export function assessTiers(
  config: WatchConfig,
  readings: ReadonlyMap<string, readonly Measurement[]>,
  now: number,
): WatchAssessment {
  const policy = { noData: config.noData, errorLimit: config.errorLimit };
  const tiers = [...config.tiers].sort((a, b) => a.tier - b.tier);
  const conditions = tiers.flatMap((tier) =>
    tier.when.map((condition): ConditionAssessment => {
      const key = sourceKey(condition.source);
      const verdict = assessCondition(condition, readings.get(key) ?? [], now, policy);
      return { tier: tier.tier, action: tier.action, key, condition, verdict };
    }),
  );
  let triggered: ConditionAssessment | null = null;
  for (const tier of tiers) {
    const own = conditions.filter((each) => each.tier === tier.tier);
    triggered =
      own.find((each) => each.verdict.state === 'breached') ?? own.find((each) => each.verdict.state === 'error') ?? null;
    if (triggered) break;
  }
  return { triggered, conditions };
}
