import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { HealthCheck } from '../../src/core/verification.js';
import type { Measurement } from '../../src/core/watch/measurement.js';
import { createWatchProbe, healthOnce } from '../../src/verify/watchProbe.js';
import { prometheusSkipReason, startPrometheus } from '../helpers/prometheus.js';
import { closedPort, sendJson, startServer } from './server.js';

const skip = prometheusSkipReason();
const expected = { version: 'v1.2.0', sha: null };

function health(url: string): HealthCheck {
  return { url, expect_status: 200, expect_version: 'version', timeout: 5000, interval: 1000, successes: 3 };
}

/** The watch's own clock: ms since the probe was made. */
function clock(): () => number {
  const origin = performance.now();
  return () => performance.now() - origin;
}

function withoutAt(measurement: Measurement): Omit<Measurement, 'at'> {
  const { at, ...rest } = measurement;
  assert.ok(Number.isFinite(at) && at >= 0, `at ${at}`);
  return rest;
}

test('a query goes to Prometheus: a value, an empty answer, a rejected query', { skip }, async (t) => {
  // Number-only queries need no scrape: the server answers them as soon as it is ready.
  const prometheus = await startPrometheus(t, { targets: [] });
  const probe = createWatchProbe({ prometheus: { url: prometheus.url, timeoutMs: 5000 }, now: clock() });
  t.after(() => probe.close());
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'query', query: 'vector(0.25)' })), { kind: 'value', value: 0.25 });
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'query', query: 'rewind_no_such_metric' })), { kind: 'empty' });
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'query', query: 'vector(' })), {
    kind: 'error',
    message: `prometheus ${prometheus.url}: rejected the query (400 bad_data): invalid parameter "query": 1:8: parse error: unclosed left parenthesis`,
    // Rejected, not unanswered: a configuration error the watch refuses to start with.
    rejected: true,
  });
  await prometheus.stop();
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'query', query: 'vector(0.25)' })), {
    kind: 'error',
    message: `prometheus: connection refused at ${prometheus.url}`,
  });
});

test('what is not configured reads as an error, as does a cancelled reading', async () => {
  const probe = createWatchProbe();
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'query', query: 'up' })), {
    kind: 'error',
    message: 'no watch.prometheus is configured to run the query up',
  });
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'health' })), {
    kind: 'error',
    message: 'no health check is configured for `health: failing`',
  });
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'health' }, AbortSignal.abort())), { kind: 'error', message: 'reading cancelled' });
  await probe.close();
});

test('health: one attempt per reading, 0 while it passes and 1 while it fails', async (t) => {
  let status = 200;
  const server = await startServer(t, (_n, _req, res) => sendJson(res, status, { version: 'v1.2.0' }));
  const probe = createWatchProbe({ health: healthOnce(health(server.url), expected) });
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'health' })), { kind: 'value', value: 0 });
  assert.equal(server.hits(), 1, 'one request, though the check wants 3 successes');
  status = 503;
  const started = performance.now();
  // Failing, the reading says why: the watch's line and the rollback's reason show it.
  const failing = withoutAt(await probe.measure({ kind: 'health' })) as { kind: string; value: number; detail: string };
  assert.deepEqual([failing.kind, failing.value], ['value', 1]);
  assert.match(failing.detail, /^health http:\/\/127\.0\.0\.1:\d+\S*: status 503, expected 200 \(1 attempt in \d+\.\ds\)$/);
  assert.ok(performance.now() - started < 900, 'no retry at the check\'s interval');
  assert.equal(server.hits(), 2);

  const down = createWatchProbe({ health: healthOnce(health(`http://127.0.0.1:${await closedPort()}/health`), expected) });
  const unreachable = withoutAt(await down.measure({ kind: 'health' })) as { kind: string; value: number; detail: string };
  assert.deepEqual([unreachable.kind, unreachable.value], ['value', 1]);
  assert.match(unreachable.detail, /connection refused/);

  const broken = createWatchProbe({
    health: () => Promise.reject(new Error('boom')),
  });
  assert.deepEqual(withoutAt(await broken.measure({ kind: 'health' })), { kind: 'error', message: 'reading health failed: boom' });
});

test('error_rate: a sampler per URL, started at the first reading, stopped by close()', async (t) => {
  let failing = true;
  const server = await startServer(t, (_n, _req, res) => res.writeHead(failing ? 500 : 200).end(), '/');
  const ok = await startServer(t, (_n, _req, res) => res.writeHead(200).end(), '/');
  const now = clock();
  const probe = createWatchProbe({ errorRate: { windowMs: 300, sampleEveryMs: 20 }, now });
  t.after(() => probe.close());
  const before = now();
  // Two conditions reading the same URL at once share one sampler, and the first reading waits for a sample.
  const [first, second] = await Promise.all([
    probe.measure({ kind: 'error_rate', url: server.url }),
    probe.measure({ kind: 'error_rate', url: server.url }),
  ]);
  assert.deepEqual(withoutAt(first), { kind: 'value', value: 1 });
  assert.deepEqual(withoutAt(second), { kind: 'value', value: 1 });
  assert.ok(first.at >= before && first.at <= now(), 'at is on the watch clock');
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'error_rate', url: ok.url })), { kind: 'value', value: 0 });

  failing = false;
  await delay(350);
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'error_rate', url: server.url })), { kind: 'value', value: 0 });
  await delay(100);
  const hits = server.hits();
  // Two readers, one sampler: about one request per 20ms (some 23), not two (some 45).
  assert.ok(hits < 36, `${hits} requests in about 450ms`);

  await probe.close();
  const closedAt = server.hits();
  await delay(100);
  // A request already on the wire when close() aborted it may still reach the server; none is started after.
  assert.ok(server.hits() - closedAt <= 1, `${server.hits() - closedAt} requests after close()`);
  assert.equal(ok.hits() > 0, true);
  assert.deepEqual(withoutAt(await probe.measure({ kind: 'error_rate', url: server.url })), { kind: 'error', message: 'the watch probe is closed' });
});
