import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionLabel } from '../../../src/core/watch/conditionText.js';
import type { ConditionVerdict, Measurement, NoDataPolicy, WatchCondition } from '../../../src/core/watch/measurement.js';
import { assessCondition } from '../../../src/core/watch/verdict.js';

// The clock is the readings' own `at` and the `now` handed in: milliseconds from the start of the watch.

function condition(over: Partial<Omit<WatchCondition, 'label'>> = {}): WatchCondition {
  const shape = { source: { kind: 'query' as const, query: 'error_ratio' }, above: 0.2, forMs: 2000, ...over };
  return { ...shape, label: conditionLabel(shape) };
}

const value = (at: number, v: number): Measurement => ({ at, kind: 'value', value: v });
const empty = (at: number): Measurement => ({ at, kind: 'empty' });
const error = (at: number, message = 'connect ECONNREFUSED 127.0.0.1:9090'): Measurement => ({ at, kind: 'error', message });

/** Values read every `step` ms from 0: series(1000, 0.5, 0.5) is 0.5 at 0ms and at 1000ms. */
const series = (step: number, ...values: number[]): Measurement[] => values.map((v, i) => value(i * step, v));

function assess(
  readings: Measurement[],
  now: number,
  over: Partial<Omit<WatchCondition, 'label'>> = {},
  noData: NoDataPolicy = 'inconclusive',
  errorLimit = 4,
): ConditionVerdict {
  return assessCondition(condition(over), readings, now, { noData, errorLimit });
}

test('held for exactly the window: breached, with the value and how long it held', () => {
  const verdict = assess(series(1000, 0.5, 0.5, 0.5), 2000);
  assert.deepEqual(verdict, {
    state: 'breached',
    value: 0.5,
    holdingSince: 0,
    errors: 0,
    reason: 'query "error_ratio" = 0.5 above 0.2 for 2s (held 2.0s)',
  });
});

test('held for the window less 1ms: not yet, and the reason says how far along', () => {
  const readings = [value(1, 0.5), value(1000, 0.5), value(2000, 0.5)];
  const verdict = assess(readings, 2000);
  assert.equal(verdict.state, 'ok');
  assert.equal(verdict.holdingSince, 1);
  assert.equal(verdict.reason, 'query "error_ratio" = 0.5 above 0.2, holding for 1.9s of 2s');
  assert.equal(assess([...readings, value(2001, 0.5)], 2001).state, 'breached');
});

test('one non-holding reading inside the window starts it again', () => {
  const readings = series(500, 0.5, 0.5, 0.5, 0.1, 0.5, 0.5, 0.5, 0.5, 0.5);
  assert.equal(assess(readings.slice(0, 5), 2000).state, 'ok');
  const verdict = assess(readings, 4000);
  assert.equal(verdict.holdingSince, 2000);
  assert.equal(verdict.state, 'breached');
  assert.equal(verdict.reason, 'query "error_ratio" = 0.5 above 0.2 for 2s (held 2.0s)');
  assert.equal(assess(readings.slice(0, 8), 3500).state, 'ok');
});

test('a value that flaps never holds for its window: never breached, at any instant', () => {
  const readings = series(1000, ...Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? 0.1 : 0.9)));
  for (let now = 0; now <= 60_000; now += 250) {
    const verdict = assess(readings, now);
    assert.equal(verdict.state, 'ok', `at ${now}ms: ${verdict.reason}`);
  }
  assert.equal(assess(readings, 4000).reason, 'query "error_ratio" = 0.9 above 0.2, holding for 1.0s of 2s');
  assert.equal(assess(readings, 5000).reason, 'query "error_ratio" = 0.1, not above 0.2');
});

test('time without readings never counts as held: the window is closed by readings at both ends', () => {
  const verdict = assess(series(1000, 0.5, 0.5), 60_000);
  assert.equal(verdict.state, 'ok');
  assert.equal(verdict.reason, 'query "error_ratio" = 0.5 above 0.2, holding for 1.0s of 2s');
});

test('readings after now are not seen yet', () => {
  const readings = series(1000, 0.5, 0.5, 0.5);
  assert.equal(assess(readings, 1999).state, 'ok');
  assert.equal(assess(readings, 1999).holdingSince, 0);
  assert.equal(assess(readings, 2000).state, 'breached');
});

test('NaN is inconclusive, never a pass or a breach, and breaks a streak', () => {
  const latest = assess(series(1000, 0.5, 0.5, NaN), 2000);
  assert.equal(latest.state, 'inconclusive');
  assert.ok(Number.isNaN(latest.value));
  assert.equal(latest.reason, 'query "error_ratio" = NaN: inconclusive (NaN is neither above nor below a number)');
  assert.equal(assess(series(1000, NaN, NaN, NaN), 2000, { below: 0.5, above: undefined }).state, 'inconclusive');
  const between = assess(series(1000, 0.5, NaN, 0.5, 0.5), 3000);
  assert.equal(between.state, 'ok');
  assert.equal(between.holdingSince, 2000);
});

test('+Inf holds for above, -Inf for below', () => {
  const inf = assess(series(1000, Infinity, Infinity, Infinity), 2000);
  assert.equal(inf.state, 'breached');
  assert.equal(inf.reason, 'query "error_ratio" = +Inf above 0.2 for 2s (held 2.0s)');
  assert.equal(assess(series(1000, -Infinity, -Infinity, -Infinity), 2000, { above: undefined, below: 5 }).state, 'breached');
  assert.equal(assess(series(1000, -Infinity, -Infinity, -Infinity), 2000).state, 'ok');
});

test('above and below are strict: a value at the threshold does not hold', () => {
  assert.equal(assess(series(1000, 0.2, 0.2, 0.2), 2000).state, 'ok');
  assert.equal(assess(series(1000, 0.2000001, 0.2000001, 0.2000001), 2000).state, 'breached');
  const below = { above: undefined, below: 0.05 };
  assert.equal(assess(series(1000, 0.05, 0.05, 0.05), 2000, below).state, 'ok');
  const verdict = assess(series(1000, 0.01, 0.01, 0.01), 2000, below);
  assert.equal(verdict.state, 'breached');
  assert.equal(verdict.reason, 'query "error_ratio" = 0.01 below 0.05 for 2s (held 2.0s)');
  assert.equal(assess(series(1000, 0.1, 0.1, 0.1), 2000, below).reason, 'query "error_ratio" = 0.1, not below 0.05');
});

test('above and below together: it holds outside the band, on either side', () => {
  const band = { above: 0.2, below: 0.05 };
  assert.equal(assess(series(1000, 0.5, 0.01, 0.5), 2000, band).state, 'breached');
  assert.equal(assess(series(1000, 0.1, 0.1, 0.1), 2000, band).reason, 'query "error_ratio" = 0.1, not above 0.2 or below 0.05');
});

test('for 0s: one holding reading breaches at once', () => {
  const verdict = assess([value(0, 0.1), value(1000, 0.3)], 1000, { forMs: 0 });
  assert.equal(verdict.state, 'breached');
  assert.equal(verdict.holdingSince, 1000);
  assert.equal(verdict.reason, 'query "error_ratio" = 0.3 above 0.2 for 0s (at once)');
  assert.equal(assess([value(0, 0.3), value(1000, 0.1)], 1000, { forMs: 0 }).state, 'ok');
});

test('no data, under each no_data policy', () => {
  const readings = [empty(0), empty(1000), empty(2000)];
  const inconclusive = assess(readings, 2000, {}, 'inconclusive');
  assert.deepEqual([inconclusive.state, inconclusive.value, inconclusive.holdingSince], ['inconclusive', null, null]);
  assert.equal(inconclusive.reason, 'query "error_ratio" has no data (no_data: inconclusive): inconclusive');

  const fail = assess(readings, 2000, {}, 'fail');
  assert.equal(fail.state, 'breached');
  assert.equal(fail.reason, 'query "error_ratio" has no data (no_data: fail): above 0.2 for 2s (held 2.0s)');
  assert.equal(assess(readings, 1000, {}, 'fail').reason, 'query "error_ratio" has no data (no_data: fail): above 0.2, holding for 1.0s of 2s');

  const pass = assess(readings, 2000, {}, 'pass');
  assert.equal(pass.state, 'ok');
  assert.equal(pass.reason, 'query "error_ratio" has no data (no_data: pass): not above 0.2');
});

test('no data in a holding streak: breaks it unless no_data says fail', () => {
  const readings = [value(0, 0.5), empty(1000), value(2000, 0.5)];
  assert.equal(assess(readings, 2000, {}, 'fail').state, 'breached');
  assert.equal(assess(readings, 2000, {}, 'inconclusive').holdingSince, 2000);
  assert.equal(assess(readings, 2000, {}, 'pass').state, 'ok');
});

test('probe errors: counted in a row, up to the limit and at it', () => {
  const clear = [value(0, 0.1)];
  const withErrors = (n: number): Measurement[] => [...clear, ...Array.from({ length: n }, (_, i) => error(1000 * (i + 1)))];
  const three = assess(withErrors(3), 3000);
  assert.deepEqual([three.state, three.errors, three.value], ['ok', 3, null]);
  assert.equal(
    three.reason,
    'query "error_ratio" = 0.1, not above 0.2; then 3 probe errors in a row (the tier acts at 4): connect ECONNREFUSED 127.0.0.1:9090',
  );
  const four = assess(withErrors(4), 4000);
  assert.deepEqual([four.state, four.errors], ['error', 4]);
  assert.equal(four.reason, 'query "error_ratio": 4 probe errors in a row (error_limit 4): connect ECONNREFUSED 127.0.0.1:9090');
  assert.equal(assess(withErrors(4), 3999).state, 'ok', 'the fourth error is not seen before its time');
  assert.equal(assess(withErrors(1), 1000, {}, 'inconclusive', 1).state, 'error');
});

test('errors with no reading before them: inconclusive until the limit', () => {
  const verdict = assess([error(0), error(1000, 'HTTP 503 from Prometheus')], 1000);
  assert.deepEqual([verdict.state, verdict.errors], ['inconclusive', 2]);
  assert.equal(verdict.reason, 'query "error_ratio": 2 probe errors in a row (the tier acts at 4): HTTP 503 from Prometheus');
  assert.equal(assess([], 1000).reason, 'query "error_ratio": no reading yet');
  assert.equal(assess([], 1000).state, 'inconclusive');
});

test('a reading after errors resets the count', () => {
  const verdict = assess([error(0), error(1000), error(2000), value(3000, 0.1), error(4000)], 4000);
  assert.deepEqual([verdict.state, verdict.errors], ['ok', 1]);
});

test('an error between holding readings neither breaks nor extends the streak', () => {
  const between = assess([value(0, 0.5), error(1000), value(2000, 0.5)], 2000);
  assert.equal(between.state, 'breached');
  assert.equal(between.reason, 'query "error_ratio" = 0.5 above 0.2 for 2s (held 2.0s)');
  const trailing = assess([value(0, 0.5), value(1000, 0.5), error(2000)], 2000);
  assert.equal(trailing.state, 'ok');
  assert.equal(trailing.holdingSince, 0);
  assert.match(trailing.reason, /^query "error_ratio" = 0\.5 above 0\.2, holding for 1\.0s of 2s; then 1 probe error in a row/);
});

test('a breach stands even when errors follow it past the limit', () => {
  const readings = [...series(1000, 0.5, 0.5, 0.5), error(3000), error(4000), error(5000), error(6000)];
  const verdict = assess(readings, 6000);
  assert.deepEqual([verdict.state, verdict.errors], ['breached', 4]);
});

test('a health condition holds while the check fails (reads 1), and says passing or failing', () => {
  const health = { source: { kind: 'health' as const }, above: undefined, forMs: 15_000 };
  const failing = assess(series(5000, 1, 1, 1, 1), 15_000, health);
  assert.equal(failing.state, 'breached');
  assert.equal(failing.reason, 'health check failing for 15s (held 15.0s)');
  assert.equal(assess(series(5000, 1, 1), 5000, health).reason, 'health check failing, holding for 5.0s of 15s');
  assert.equal(assess(series(5000, 1, 0), 5000, health).reason, 'health check passing');
});

test('an error-rate condition is named by its URL; long runs read in minutes', () => {
  const rate = { source: { kind: 'error_rate' as const, url: 'http://127.0.0.1:3000/' }, above: 0.05, forMs: 120_000 };
  const readings = series(10_000, ...Array.from({ length: 14 }, () => 0.5));
  assert.equal(assess(readings, 130_000, rate).reason, 'error rate of http://127.0.0.1:3000/ = 0.5 above 0.05 for 2m (held 2m 10s)');
  assert.equal(assess(readings.slice(0, 10), 90_000, rate).reason, 'error rate of http://127.0.0.1:3000/ = 0.5 above 0.05, holding for 1m 30s of 2m');
});

test('a reason is one line, even when the probe error had several', () => {
  const verdict = assess([error(0, 'bad query:\n  parse error at char 5'), error(1000, 'bad query:\n  parse error at char 5')], 1000, {}, 'inconclusive', 2);
  assert.equal(verdict.reason, 'query "error_ratio": 2 probe errors in a row (error_limit 2): bad query: parse error at char 5');
});
