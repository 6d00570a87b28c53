import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionLabel } from '../../../src/core/watch/conditionText.js';
import type { ConditionSource, Measurement, TierAction, WatchCondition, WatchConfig } from '../../../src/core/watch/measurement.js';
import { sourceKey, watchedSources } from '../../../src/core/watch/readings.js';
import { assessTiers } from '../../../src/core/watch/tiers.js';

const QUERY: ConditionSource = { kind: 'query', query: 'error_ratio' };
const RATE: ConditionSource = { kind: 'error_rate', url: 'http://127.0.0.1:3000/' };
const HEALTH: ConditionSource = { kind: 'health' };

function when(source: ConditionSource, above: number | undefined, forMs: number): WatchCondition {
  const shape = { source, ...(above !== undefined && { above }), forMs };
  return { ...shape, label: conditionLabel(shape) };
}

const tier = (n: 1 | 2 | 3, action: TierAction, ...conditions: WatchCondition[]) => ({ tier: n, action, when: conditions });

function config(tiers: WatchConfig['tiers'], errorLimit = 3): WatchConfig {
  return { forMs: 600_000, intervalMs: 1000, noData: 'inconclusive', errorLimit, tiers };
}

const values = (...vs: number[]): Measurement[] => vs.map((value, i) => ({ at: i * 1000, kind: 'value', value }));
const errors = (n: number): Measurement[] => Array.from({ length: n }, (_, i) => ({ at: i * 1000, kind: 'error', message: 'timeout' }));

// Tier 1 rolls back above 0.2 for 2s; tier 2 pages above 0.1 for 1s: both read one query.
const TIERED = config([
  tier(2, 'page', when(QUERY, 0.1, 1000)),
  tier(1, 'rollback', when(QUERY, 0.2, 2000), when(HEALTH, undefined, 0)),
  tier(3, 'record', when(RATE, 0.05, 0)),
]);

test('nothing breached: no tier acts, and every condition is listed by tier', () => {
  const readings = new Map([[sourceKey(QUERY), values(0.01, 0.01)], ['health', values(0, 0)], [sourceKey(RATE), values(0, 0)]]);
  const { triggered, conditions } = assessTiers(TIERED, readings, 1000);
  assert.equal(triggered, null);
  assert.deepEqual(
    conditions.map((each) => [each.tier, each.action, each.condition.label, each.verdict.state]),
    [
      [1, 'rollback', 'query "error_ratio" above 0.2 for 2s', 'ok'],
      [1, 'rollback', 'health check failing for 0s', 'ok'],
      [2, 'page', 'query "error_ratio" above 0.1 for 1s', 'ok'],
      [3, 'record', 'error rate of http://127.0.0.1:3000/ above 0.05 for 0s', 'ok'],
    ],
  );
});

test('one source, two thresholds: the lower tier acts first, the more severe once its window is held', () => {
  const readings = (upTo: number) => new Map([[sourceKey(QUERY), values(0.5, 0.5, 0.5).slice(0, upTo + 1)]]);
  assert.equal(assessTiers(TIERED, readings(0), 0).triggered, null);
  const paged = assessTiers(TIERED, readings(1), 1000).triggered;
  assert.deepEqual([paged?.tier, paged?.action, paged?.verdict.reason], [2, 'page', 'query "error_ratio" = 0.5 above 0.1 for 1s (held 1.0s)']);
  const rolledBack = assessTiers(TIERED, readings(2), 2000).triggered;
  assert.deepEqual([rolledBack?.tier, rolledBack?.action, rolledBack?.key], [1, 'rollback', 'query:error_ratio']);
  assert.equal(rolledBack?.verdict.reason, 'query "error_ratio" = 0.5 above 0.2 for 2s (held 2.0s)');
});

test('a tier past its error limit acts before a less severe tier that is breached', () => {
  const readings = new Map([[sourceKey(QUERY), errors(3)], [sourceKey(RATE), values(0.9, 0.9, 0.9)]]);
  const triggered = assessTiers(TIERED, readings, 2000).triggered;
  assert.deepEqual([triggered?.tier, triggered?.verdict.state], [1, 'error']);
  assert.equal(triggered?.verdict.reason, 'query "error_ratio": 3 probe errors in a row (error_limit 3): timeout');
});

test('within a tier a breach is named before an error, whatever the order written', () => {
  const readings = new Map([[sourceKey(QUERY), errors(3)], ['health', values(0, 1, 1)]]);
  const triggered = assessTiers(TIERED, readings, 2000).triggered;
  assert.deepEqual([triggered?.tier, triggered?.condition.label, triggered?.verdict.state], [1, 'health check failing for 0s', 'breached']);
});

test('a source with no readings yet is inconclusive, never a pass or a trigger', () => {
  const { triggered, conditions } = assessTiers(TIERED, new Map(), 5000);
  assert.equal(triggered, null);
  assert.ok(conditions.every((each) => each.verdict.state === 'inconclusive'));
});

test('watchedSources: each source once, in the order the tiers name them', () => {
  assert.deepEqual([...watchedSources(TIERED).keys()], ['query:error_ratio', 'health', 'error_rate:http://127.0.0.1:3000/']);
});
