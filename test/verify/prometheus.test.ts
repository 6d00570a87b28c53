import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { queryPrometheus } from '../../src/verify/prometheus.js';
import type { PrometheusAnswer, PrometheusTarget } from '../../src/verify/prometheus.js';
import { startMetricsApp } from '../helpers/metricsApp.js';
import { prometheusSkipReason, startPrometheus } from '../helpers/prometheus.js';

/** Against Debian's real prometheus scraping a loopback app every second; one server for the whole file (it takes ~1 s to start). */
const skip = prometheusSkipReason();

/** Asks until `wanted` holds (the next scrape has to land first); returns the answer and how long it took. */
async function eventually(
  target: PrometheusTarget,
  query: string,
  wanted: (answer: PrometheusAnswer) => boolean,
  timeoutMs = 8000,
): Promise<{ answer: PrometheusAnswer; ms: number }> {
  const started = performance.now();
  for (;;) {
    const answer = await queryPrometheus(target, query);
    if (wanted(answer)) return { answer, ms: performance.now() - started };
    if (performance.now() - started > timeoutMs) assert.fail(`${query}: still ${JSON.stringify(answer)} after ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const valueIs = (expected: number) => (answer: PrometheusAnswer) => answer.kind === 'value' && Object.is(answer.value, expected);

test('Prometheus instant queries: one number, no sample, or an error in one line', { skip }, async (t) => {
  const app = await startMetricsApp(t);
  // All there from the first scrape, which comes ~5 s after start (Prometheus 2.42 hands discovered targets over every 5 s).
  app.set('test_value', 0.5);
  app.set('test_nan', Number.NaN);
  app.set('test_inf', Number.POSITIVE_INFINITY);
  app.set('test_neginf', Number.NEGATIVE_INFINITY);
  app.set('test_parts', 1, { part: 'a' });
  app.set('test_parts', 2, { part: 'b' });
  app.set('test_changing', 0);
  const prometheus = await startPrometheus(t, { targets: [app.target] });
  const target = { url: prometheus.url, timeoutMs: 5000 };
  const at = prometheus.url.replace(/[.]/g, '\\.');

  await t.test('a vector of one sample is its value', async () => {
    const { answer } = await eventually(target, 'test_value', valueIs(0.5), 15_000);
    assert.deepEqual(answer, { kind: 'value', value: 0.5 });
  });

  await t.test('a change in the app is seen within about one scrape interval', async (t) => {
    // Just after a scrape: the longest wait, a whole interval.
    await app.nextScrape();
    app.set('test_changing', 1);
    const { ms } = await eventually(target, 'test_changing', valueIs(1));
    t.diagnostic(`metric change to query, changed just after a scrape: ${Math.round(ms)}ms at scrape_interval 1s`);
    assert.ok(ms < 4000, `${Math.round(ms)}ms`);
  });

  await t.test('a scalar is its value: scalar(...) and a number literal', async () => {
    assert.deepEqual(await queryPrometheus(target, 'scalar(test_value)'), { kind: 'value', value: 0.5 });
    assert.deepEqual(await queryPrometheus(target, '1+1'), { kind: 'value', value: 2 });
    assert.deepEqual(await queryPrometheus(target, 'sum(test_value) / 2'), { kind: 'value', value: 0.25 });
  });

  await t.test('a metric that does not exist is an empty answer, not a zero', async () => {
    assert.deepEqual(await queryPrometheus(target, 'rewind_no_such_metric_total'), { kind: 'empty' });
    assert.deepEqual(await queryPrometheus(target, 'test_value > 1'), { kind: 'empty' });
  });

  await t.test('NaN, +Inf and -Inf come through as numbers', async () => {
    // deepStrictEqual compares with Object.is: NaN equals NaN here.
    assert.deepEqual(await queryPrometheus(target, 'test_nan'), { kind: 'value', value: Number.NaN });
    assert.deepEqual(await queryPrometheus(target, 'test_inf'), { kind: 'value', value: Infinity });
    assert.deepEqual(await queryPrometheus(target, 'test_neginf'), { kind: 'value', value: -Infinity });
    assert.deepEqual(await queryPrometheus(target, 'scalar(test_nan)'), { kind: 'value', value: Number.NaN });
  });

  await t.test('several series are an error naming them', async () => {
    const answer = await queryPrometheus(target, 'test_parts');
    assert.equal(answer.kind === 'error' && answer.problem, 'shape');
    assert.match(
      answer.kind === 'error' ? answer.message : '',
      new RegExp(
        `^prometheus ${at}: the query returned 2 series, not one \\(aggregate them, e\\.g\\. sum\\(\\.\\.\\.\\) or max\\(\\.\\.\\.\\)\\): ` +
          `test_parts\\{instance="${app.target}",job="app",part="(a|b)"\\}, test_parts\\{instance="${app.target}",job="app",part="(a|b)"\\}$`,
      ),
    );
    assert.deepEqual(await queryPrometheus(target, 'sum(test_parts)'), { kind: 'value', value: 3 });
  });

  await t.test('a range vector and a string are errors', async () => {
    assert.deepEqual(await queryPrometheus(target, 'test_value[1m]'), {
      kind: 'error',
      problem: 'shape',
      message: `prometheus ${prometheus.url}: the query returned a range vector (matrix), not one number: ` +
        'drop the [range] or wrap it in rate(), avg_over_time() ...',
    });
    assert.deepEqual(await queryPrometheus(target, '"hello"'), {
      kind: 'error',
      problem: 'shape',
      message: `prometheus ${prometheus.url}: the query returned a string, not a number`,
    });
  });

  await t.test('a query Prometheus rejects (400 bad_data, 422 execution) shows its message', async () => {
    assert.deepEqual(await queryPrometheus(target, 'sum(test_value'), {
      kind: 'error',
      problem: 'rejected',
      message: `prometheus ${prometheus.url}: rejected the query (400 bad_data): invalid parameter "query": 1:15: parse error: unclosed left parenthesis`,
    });
    const manyToMany = 'vector(1) + ignoring(a) (label_replace(vector(1), "a", "b", "", "") or label_replace(vector(1), "a", "c", "", ""))';
    const answer = await queryPrometheus(target, manyToMany);
    assert.equal(answer.kind === 'error' && answer.problem, 'rejected', JSON.stringify(answer));
    assert.match(answer.kind === 'error' ? answer.message : '', new RegExp(`^prometheus ${at}: rejected the query \\(422 execution\\): .*many-to-many`));
  });

  await t.test('a cancelled query is an error, not a pass', async () => {
    const answer = await queryPrometheus(target, 'test_value', { signal: AbortSignal.abort() });
    assert.deepEqual(answer, { kind: 'error', problem: 'unavailable', message: `prometheus ${prometheus.url}: query cancelled` });
  });

  await t.test('Prometheus stopped: an error naming where, not a pass', async () => {
    await prometheus.stop();
    assert.deepEqual(await queryPrometheus(target, 'test_value'), {
      kind: 'error',
      problem: 'unavailable',
      message: `prometheus: connection refused at ${prometheus.url}`,
    });
  });
});

test('a URL that is not Prometheus, or one that does not answer in time: an error in one line', async (t) => {
  const app = await startMetricsApp(t);
  assert.deepEqual(await queryPrometheus({ url: `http://${app.target}/`, timeoutMs: 2000 }, 'up'), {
    kind: 'error',
    problem: 'unavailable',
    message: `prometheus http://${app.target}: answered 404 with something that is not JSON: (empty body) (is this a Prometheus URL?)`,
  });

  // Accepts and never answers.
  const hung = createServer(() => undefined);
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    hung.closeAllConnections();
    hung.close();
  });
  const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
  const started = performance.now();
  const answer = await queryPrometheus({ url, timeoutMs: 200 }, 'up');
  assert.ok(performance.now() - started < 2000);
  assert.deepEqual(answer, { kind: 'error', problem: 'unavailable', message: `prometheus: no answer from ${url} within 200ms` });
});
