import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionLabel } from '../../../src/core/watch/conditionText.js';
import type { Measurement, NoDataPolicy, WatchCondition, WatchConfig } from '../../../src/core/watch/measurement.js';
import { longestWindows, trimReadings, trimWatchReadings } from '../../../src/core/watch/readings.js';
import { assessCondition } from '../../../src/core/watch/verdict.js';

function condition(forMs: number, query = 'error_ratio'): WatchCondition {
  const shape = { source: { kind: 'query' as const, query }, above: 0.2, forMs };
  return { ...shape, label: conditionLabel(shape) };
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function reading(at: number, roll: number): Measurement {
  if (roll < 0.15) return { at, kind: 'error', message: 'timeout' };
  if (roll < 0.2) return { at, kind: 'empty' };
  if (roll < 0.22) return { at, kind: 'value', value: NaN };
  return { at, kind: 'value', value: roll < 0.4 ? 0.1 : 0.5 };
}

test('trimming after every tick never changes a verdict, only caps the error count at the limit', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const next = random(seed);
    const forMs = 1000 + Math.floor(next() * 4000);
    const errorLimit = 1 + Math.floor(next() * 5);
    const noData: NoDataPolicy = seed % 3 === 0 ? 'inconclusive' : seed % 3 === 1 ? 'fail' : 'pass';
    const policy = { noData, errorLimit };
    const all: Measurement[] = [];
    let kept: Measurement[] = [];
    let at = 0;
    for (let tick = 0; tick < 400; tick += 1) {
      // Uneven intervals: a tick may come late, as they do under load.
      at += 250 + Math.floor(next() * 1000);
      const each = reading(at, next());
      all.push(each);
      kept = trimReadings([...kept, each], forMs, errorLimit);
      const whole = assessCondition(condition(forMs), all, at, policy);
      const trimmed = assessCondition(condition(forMs), kept, at, policy);
      const where = `seed ${seed}, tick ${tick}`;
      assert.equal(trimmed.state, whole.state, `${where}: ${trimmed.reason} / ${whole.reason}`);
      assert.equal(trimmed.errors, Math.min(whole.errors, errorLimit), where);
      assert.equal(trimmed.holdingSince === null, whole.holdingSince === null, where);
      if (whole.state !== 'breached' && whole.errors < errorLimit) assert.equal(trimmed.reason, whole.reason, where);
    }
  }
});

test('a day of readings every 100ms keeps only the window and one reading before it', () => {
  let kept: Measurement[] = [];
  for (let at = 0; at <= 86_400_000; at += 100) {
    kept = trimReadings([...kept, { at, kind: 'value', value: 0.5 }], 2000, 4);
  }
  // The 2s window holds 21 readings (both ends included), and the one before it is kept too.
  assert.equal(kept.length, 22);
  assert.deepEqual([kept[0]?.at, kept[1]?.at, kept[kept.length - 1]?.at], [86_397_900, 86_398_000, 86_400_000]);
  const verdict = assessCondition(condition(2000), kept, 86_400_000, { noData: 'inconclusive', errorLimit: 4 });
  assert.equal(verdict.state, 'breached');
});

test('errors after the last usable reading are kept up to the limit; the usable reading stays', () => {
  const readings: Measurement[] = [
    { at: 0, kind: 'value', value: 0.5 },
    ...Array.from({ length: 50 }, (_, i): Measurement => ({ at: 1000 * (i + 1), kind: 'error', message: `error ${i}` })),
  ];
  const kept = trimReadings(readings, 2000, 4);
  assert.deepEqual(kept.map((each) => each.at), [0, 47_000, 48_000, 49_000, 50_000]);
  assert.deepEqual(trimReadings(readings.slice(1), 2000, 3).map((each) => each.at), [48_000, 49_000, 50_000]);
  assert.deepEqual(trimReadings([], 2000, 3), []);
});

test('an error just before the window is dropped, the usable reading before it kept', () => {
  const readings: Measurement[] = [
    { at: 0, kind: 'value', value: 0.5 },
    { at: 500, kind: 'error', message: 'timeout' },
    { at: 3000, kind: 'value', value: 0.5 },
    { at: 4000, kind: 'value', value: 0.5 },
  ];
  assert.deepEqual(trimReadings(readings, 2000, 4).map((each) => each.at), [0, 3000, 4000]);
});

test('every source is trimmed to the longest window reading it; a source nobody reads is dropped', () => {
  const config: WatchConfig = {
    forMs: 600_000,
    intervalMs: 1000,
    noData: 'inconclusive',
    errorLimit: 4,
    tiers: [
      { tier: 1, action: 'rollback', when: [condition(2000)] },
      { tier: 2, action: 'page', when: [condition(5000), condition(1000, 'up')] },
    ],
  };
  assert.deepEqual([...longestWindows(config)], [['query:error_ratio', 5000], ['query:up', 1000]]);
  const series = Array.from({ length: 20 }, (_, i): Measurement => ({ at: i * 1000, kind: 'value', value: 0.5 }));
  const trimmed = trimWatchReadings(config, new Map([['query:error_ratio', series], ['query:up', series], ['query:gone', series]]));
  assert.deepEqual([...trimmed.keys()], ['query:error_ratio', 'query:up']);
  assert.equal(trimmed.get('query:error_ratio')?.length, 7);
  assert.equal(trimmed.get('query:up')?.length, 3);
});
