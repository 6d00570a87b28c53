import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ErrorRateSampler } from '../../src/verify/errorRate.js';
import type { ErrorRateOptions } from '../../src/verify/errorRate.js';
import { closedPort, startServer } from './server.js';

/** A started sampler, stopped when the test ends. */
function sampler(t: TestContext, options: ErrorRateOptions, signal?: AbortSignal): ErrorRateSampler {
  const made = new ErrorRateSampler(options);
  made.start(signal);
  t.after(() => made.stop());
  return made;
}

function valueOf(made: ErrorRateSampler): number {
  const reading = made.measure();
  assert.equal(reading.kind, 'value', JSON.stringify(reading));
  return reading.kind === 'value' ? reading.value : Number.NaN;
}

test('half the requests answered 500: about half; the window forgets what came before it', async (t) => {
  let failing = true;
  const server = await startServer(t, (n, _req, res) => {
    res.writeHead(failing && n % 2 === 0 ? 500 : 200).end('ok');
  }, '/');
  const made = sampler(t, { url: server.url, windowMs: 400, sampleEveryMs: 10 });
  await delay(450);
  const half = valueOf(made);
  assert.ok(half >= 0.4 && half <= 0.6, `error rate ${half}`);
  assert.equal(made.tally().lastFailure, 'status 500');

  failing = false;
  await delay(450);
  assert.equal(valueOf(made), 0, 'only the last 400ms count');
  assert.equal(made.tally().lastFailure, null);
});

test('it keeps a steady pace, one request at a time, and stop() ends it', async (t) => {
  let inFlight = 0;
  let most = 0;
  const server = await startServer(t, (_n, _req, res) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    // Slower than the pace: the next request must wait for this one.
    setTimeout(() => {
      inFlight -= 1;
      res.writeHead(200).end();
    }, 30);
  }, '/');
  const made = sampler(t, { url: server.url, windowMs: 1000, sampleEveryMs: 10 });
  await delay(500);
  await made.stop();
  const hits = server.hits();
  assert.equal(most, 1, 'at most one request in flight');
  // 30ms each, back to back: about 16 in 500ms; never one per 10ms.
  assert.ok(hits >= 5 && hits <= 20, `${hits} requests in 500ms`);
  await delay(100);
  assert.equal(server.hits(), hits, 'no request after stop()');
  assert.equal(made.started, false);
  assert.equal(valueOf(made), 0);
});

test('the pace is sampleEveryMs when the app answers fast', async (t) => {
  const server = await startServer(t, (_n, _req, res) => res.writeHead(204).end(), '/');
  const made = sampler(t, { url: server.url, windowMs: 5000, sampleEveryMs: 50 });
  await delay(520);
  await made.stop();
  assert.ok(server.hits() >= 5 && server.hits() <= 12, `${server.hits()} requests in 520ms at one per 50ms`);
  assert.deepEqual(made.tally(), { samples: server.hits(), failures: 0, lastFailure: null });
});

test('the server goes away: refused connections count as errors', async (t) => {
  const server = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const made = sampler(t, { url, windowMs: 300, sampleEveryMs: 10 });
  await delay(150);
  assert.equal(valueOf(made), 0);

  server.closeAllConnections();
  server.close();
  await delay(350);
  assert.equal(valueOf(made), 1);
  assert.equal(made.tally().lastFailure, `connection refused at ${url}`);
});

test('a port nobody listens on: every sample an error, none a pass', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}/`;
  const made = sampler(t, { url, windowMs: 1000, sampleEveryMs: 20 });
  await made.nextSample();
  assert.equal(valueOf(made), 1);
});

test('a hung request counts as an error at its timeout, and holds no second request', async (t) => {
  const server = await startServer(t, () => undefined, '/');
  // Counted on the client: the server learns of an aborted socket only after the next one may have arrived.
  let open = 0;
  let most = 0;
  const counting: typeof fetch = async (input, init) => {
    open += 1;
    most = Math.max(most, open);
    try {
      return await fetch(input, init);
    } finally {
      open -= 1;
    }
  };
  const made = sampler(t, { url: server.url, windowMs: 2000, sampleEveryMs: 10, requestTimeoutMs: 100, fetch: counting });
  assert.equal(made.measure().kind, 'empty', 'nothing completed yet');
  // Timers run late on a loaded machine: wait for two timeouts (bounded), then check no more came than the time allowed.
  const started = performance.now();
  while (made.tally().samples < 2 && performance.now() - started < 3000) await delay(50);
  const tally = made.tally();
  const elapsed = performance.now() - started;
  assert.ok(tally.samples >= 2 && tally.samples <= Math.floor(elapsed / 100) + 1, `${tally.samples} timeouts in ${Math.round(elapsed)}ms at 100ms each`);
  assert.equal(tally.failures, tally.samples);
  assert.equal(tally.lastFailure, `no answer from ${server.url} within 100ms`);
  assert.equal(most, 1);
  assert.ok(server.hits() - tally.samples <= 1, 'each request but the one hanging now is a sample');
});

test('the caller\'s signal stops it; a window without completed samples is empty', async (t) => {
  const server = await startServer(t, (_n, _req, res) => res.writeHead(200).end(), '/');
  const controller = new AbortController();
  const made = sampler(t, { url: server.url, windowMs: 100, sampleEveryMs: 10 }, controller.signal);
  await delay(60);
  controller.abort();
  await delay(20);
  assert.equal(made.started, false);
  const hits = server.hits();
  assert.ok(hits > 0);
  await delay(150);
  assert.equal(server.hits(), hits);
  assert.equal(made.measure().kind, 'empty', 'the samples are older than the window');
  assert.throws(() => new ErrorRateSampler({ url: server.url, windowMs: 0 }), /^RangeError: error_rate .*: windowMs must be a positive number of ms, got 0$/);
});
