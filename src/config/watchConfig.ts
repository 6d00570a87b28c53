import { conditionLabel } from '../core/watch/conditionText.js';
import type { ConditionSource, WatchCondition, WatchConfig } from '../core/watch/measurement.js';
import type { WatchConditionSection } from './schema/watchCondition.js';
import type { WatchSection } from './schema/watch.js';

/**
 * An environment's `watch:` section, as the schema parsed it (durations in
 * ms, every rule checked), in core's terms for the verdict and the watch run.
 */
export function watchConfigOf(section: WatchSection): WatchConfig {
  return {
    forMs: section.for,
    intervalMs: section.interval,
    ...(section.prometheus && { prometheus: { url: section.prometheus.url, timeoutMs: section.prometheus.timeout } }),
    noData: section.no_data,
    errorLimit: section.error_limit,
    tiers: section.tiers.map((tier) => ({ tier: tier.tier, action: tier.action, when: tier.when.map(conditionOf) })),
  };
}

function conditionOf(section: WatchConditionSection): WatchCondition {
  const condition: Omit<WatchCondition, 'label'> = {
    source: sourceOf(section),
    ...(section.above !== undefined && { above: section.above }),
    ...(section.below !== undefined && { below: section.below }),
    forMs: section.for,
  };
  return { ...condition, label: conditionLabel(condition) };
}

function sourceOf(section: WatchConditionSection): ConditionSource {
  if (section.query !== undefined) return { kind: 'query', query: section.query };
  if (section.error_rate !== undefined) return { kind: 'error_rate', url: section.error_rate.url };
  // The schema lets through exactly one source; what is left is health: failing.
  return { kind: 'health' };
}
