import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conditionLabel } from '../../../src/core/watch/conditionText.js';
import type { ConditionSource, Measurement, WatchCondition } from '../../../src/core/watch/measurement.js';
import { assessReadingNow } from '../../../src/core/watch/readingNow.js';

function condition(source: ConditionSource, rule: { above?: number; below?: number; forMs: number }): WatchCondition {
  const shape = { source, ...rule };
  return { ...shape, label: conditionLabel(shape) };
}

const query = condition({ kind: 'query', query: 'sum(rate(errors[1m]))\n  / sum(rate(requests[1m]))' }, { above: 0.2, forMs: 30_000 });
const value = (v: number): Measurement => ({ at: 5, kind: 'value', value: v });
const empty: Measurement = { at: 5, kind: 'empty' };

test('a value past its threshold holds now, and the line says the window was not observed', () => {
  assert.deepEqual(assessReadingNow(query, value(0.31), 'inconclusive'), {
    state: 'breached',
    value: 0.31,
    reason: 'query "sum(rate(errors[1m])) / sum(rate(requests[1m]))" = 0.31 above 0.2 (holds now; for 30s not observed)',
  });
  assert.deepEqual(assessReadingNow(query, value(0.2), 'inconclusive'), {
    state: 'ok',
    value: 0.2,
    reason: 'query "sum(rate(errors[1m])) / sum(rate(requests[1m]))" = 0.2, not above 0.2',
  });
  const atOnce = condition({ kind: 'query', query: 'up' }, { below: 1, forMs: 0 });
  assert.equal(assessReadingNow(atOnce, value(0), 'pass').reason, 'query "up" = 0 below 1 (holds now)');
  const band = condition({ kind: 'error_rate', url: 'http://127.0.0.1:1/' }, { above: 0.5, below: 0.1, forMs: 60_000 });
  assert.equal(assessReadingNow(band, value(1), 'pass').reason, 'error rate of http://127.0.0.1:1/ = 1 above 0.5 or below 0.1 (holds now; for 1m not observed)');
});

test('an empty answer counts as no_data says; NaN is inconclusive, never a pass', () => {
  assert.deepEqual(assessReadingNow(query, empty, 'inconclusive'), {
    state: 'inconclusive',
    value: null,
    reason: 'query "sum(rate(errors[1m])) / sum(rate(requests[1m]))" has no data (no_data: inconclusive): inconclusive',
  });
  const up = condition({ kind: 'query', query: 'up' }, { above: 0.2, forMs: 10_000 });
  assert.deepEqual(assessReadingNow(up, empty, 'fail'), {
    state: 'breached',
    value: null,
    reason: 'query "up" has no data (no_data: fail): above 0.2 (holds now; for 10s not observed)',
  });
  assert.deepEqual(assessReadingNow(up, empty, 'pass'), { state: 'ok', value: null, reason: 'query "up" has no data (no_data: pass): not above 0.2' });
  const nan = assessReadingNow(up, value(Number.NaN), 'pass');
  assert.equal(nan.state, 'inconclusive');
  assert.equal(nan.reason, 'query "up" = NaN: inconclusive (NaN is neither above nor below a number)');
  assert.equal(assessReadingNow(up, value(Number.POSITIVE_INFINITY), 'pass').reason, 'query "up" = +Inf above 0.2 (holds now; for 10s not observed)');
});

test('a health condition reads failing or passing; an error is shown as the probe said it', () => {
  const health = condition({ kind: 'health' }, { forMs: 15_000 });
  assert.deepEqual(assessReadingNow(health, value(1), 'inconclusive'), {
    state: 'breached',
    value: 1,
    reason: 'health check failing (holds now; for 15s not observed)',
  });
  assert.deepEqual(assessReadingNow(health, value(0), 'inconclusive'), { state: 'ok', value: 0, reason: 'health check passing' });
  const refused: Measurement = { at: 5, kind: 'error', message: 'prometheus: connection refused at http://127.0.0.1:9/' };
  assert.deepEqual(assessReadingNow(query, refused, 'pass'), {
    state: 'error',
    value: null,
    reason: 'query "sum(rate(errors[1m])) / sum(rate(requests[1m]))": prometheus: connection refused at http://127.0.0.1:9/',
  });
});
