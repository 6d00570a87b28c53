import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSampleValue, readPrometheusAnswer } from '../../src/verify/prometheusAnswer.js';

/** The answers real Prometheus does not give on demand (prometheus.test.ts has the ones it does). */
const ok = (data: unknown) => JSON.stringify({ status: 'success', data });

test('sample values in Go strconv form are numbers; anything Number() would bend is not', () => {
  for (const [text, value] of [['0.5', 0.5], ['1e-07', 1e-7], ['1e+301', 1e301], ['-2', -2], ['123456789012345680', 123456789012345680]] as const) {
    assert.equal(parseSampleValue(text), value, text);
  }
  assert.ok(Number.isNaN(parseSampleValue('NaN')));
  assert.equal(parseSampleValue('+Inf'), Infinity);
  assert.equal(parseSampleValue('-Inf'), -Infinity);
  for (const text of ['', ' ', '0x1f', '1_000', 'Infinity', 'nan', '1,5', '0.5 ']) assert.equal(parseSampleValue(text), undefined, JSON.stringify(text));
});

test('a value that is not a number, a histogram sample, or a malformed answer is an error, never a value', () => {
  assert.deepEqual(readPrometheusAnswer(200, 'application/json', ok({ resultType: 'scalar', result: [1, '0x1f'] })), {
    kind: 'error',
    problem: 'unavailable',
    message: 'answered the scalar with "0x1f", which is not a number',
  });
  assert.deepEqual(readPrometheusAnswer(200, 'application/json', ok({ resultType: 'vector', result: [{ metric: {}, histogram: [1, {}] }] })), {
    kind: 'error',
    problem: 'shape',
    message: 'the query returned a native histogram sample, not a number (use histogram_quantile() or histogram_count())',
  });
  assert.deepEqual(readPrometheusAnswer(200, 'application/json', ok({ resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] })), {
    kind: 'error',
    problem: 'unavailable',
    message: 'answered the sample in a form that is not [time, "value"]: [1,2]',
  });
  assert.deepEqual(readPrometheusAnswer(200, 'application/json', '{"data":{}}'), {
    kind: 'error',
    problem: 'unavailable',
    message: 'answered 200 with JSON that is not a Prometheus API answer: {"data":{}}',
  });
});

test('Prometheus-side errors (timeout, unavailable) are not the query\'s fault; a login page is not JSON', () => {
  const timeout = JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
  assert.deepEqual(readPrometheusAnswer(503, 'application/json', timeout), {
    kind: 'error',
    problem: 'unavailable',
    message: 'could not run the query (503 timeout): query timed out in expression evaluation',
  });
  const page = `<html>\n<body>${'x'.repeat(200)}</body></html>`;
  const answer = readPrometheusAnswer(200, 'text/html; charset=utf-8', page);
  assert.equal(answer.kind === 'error' && answer.problem, 'unavailable');
  assert.match(answer.kind === 'error' ? answer.message : '', /^answered 200 with something that is not JSON, text\/html: <html> <body>x+\.\.\. \(is this a Prometheus URL\?\)$/);
});
