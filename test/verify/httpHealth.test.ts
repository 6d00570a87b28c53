import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthSchema } from '../../src/config/schema/health.js';
import type { HealthConfig } from '../../src/config/schema/health.js';
import { checkHealth } from '../../src/verify/httpHealth.js';
import type { HealthAttempt } from '../../src/verify/httpHealth.js';
import { closedPort, sendJson, startServer } from './server.js';

const SHA = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
const OTHER = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const expected = { version: 'v1.2.0', sha: SHA };

function config(url: string, overrides: Partial<HealthConfig> = {}): HealthConfig {
  // Generous: a passing check ends at its second success, and a loaded machine must not fail it.
  return { url, expect_status: 200, expect_version: 'sha', timeout: 8000, interval: 20, successes: 2, ...overrides };
}

test('a healthy service reporting the full sha passes after the needed successes', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { sha: SHA }));
  const result = await checkHealth(config(server.url), expected);
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.attempts, 2);
  assert.equal(server.hits(), 2);
  assert.equal(result.reported, SHA);
  assert.equal(result.lastStatus, 200);
  assert.match(result.reason, /^health http:\/\/127\.0\.0\.1:\d+\/health: status 200, reports 9f8e7d6 at "sha", 2 in a row \(2 attempts in \d+\.\ds\)$/);
});

test('a service reporting a short sha passes', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { sha: SHA.slice(0, 7) }));
  const result = await checkHealth(config(server.url, { successes: 1 }), expected);
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.attempts, 1);
  assert.equal(result.reported, SHA.slice(0, 7));
});

test('config parsed by the schema works as given (durations in ms)', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { sha: 'v1.2.0' }));
  const health = healthSchema.parse({ url: server.url, timeout: '1s', interval: '10ms' });
  const result = await checkHealth(health, expected);
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.attempts, 2);
});

test('a wrong sha fails with both shas and the attempt count', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { sha: OTHER }));
  const result = await checkHealth(config(server.url, { timeout: 200 }), expected);
  assert.equal(result.ok, false);
  assert.equal(result.reported, OTHER);
  assert.ok(result.attempts > 1);
  assert.equal(server.hits(), result.attempts);
  assert.match(result.reason, /^health http:\/\/127\.0\.0\.1:\d+\/health: reports 1a2b3c4 at "sha", expected 9f8e7d6 \(v1\.2\.0\) \(\d+ attempts in \d+\.\ds\)$/);
});

test('maxAttempts: 1 asks once and returns what was reported, passed or not, without waiting out the timeout', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 503, { sha: OTHER }));
  const started = performance.now();
  const result = await checkHealth({ ...config(server.url, { timeout: 5000, successes: 1 }), maxAttempts: 1 }, expected);
  assert.ok(performance.now() - started < 2000, 'it must not poll until the timeout');
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 1);
  assert.equal(server.hits(), 1);
  assert.equal(result.reported, OTHER);
  assert.equal(result.lastStatus, 503);
});

test('a wrong status fails and is reported as the last status', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 500, { sha: SHA }));
  const result = await checkHealth(config(server.url, { timeout: 200 }), expected);
  assert.equal(result.ok, false);
  assert.equal(result.lastStatus, 500);
  assert.match(result.reason, /^health http:\/\/127\.0\.0\.1:\d+\/health: status 500, expected 200 \(\d+ attempts in \d+\.\ds\)$/);
});

test('a redirect is a status, not followed', async (t) => {
  const server = await startServer(t, (_n, _req, res) => {
    res.writeHead(302, { location: '/login' });
    res.end();
  });
  const result = await checkHealth(config(server.url, { timeout: 100 }), expected);
  assert.equal(result.ok, false);
  assert.match(result.reason, /status 302, expected 200/);
});

test('a service that becomes healthy after some requests passes once it has two in a row', async (t) => {
  const server = await startServer(t, (n, _req, res) => (n <= 3 ? sendJson(res, 503, { sha: SHA }) : sendJson(res, 200, { sha: SHA })));
  const seen: HealthAttempt[] = [];
  const result = await checkHealth(config(server.url), expected, { onAttempt: (a) => seen.push(a) });
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.attempts, 5);
  assert.deepEqual(seen.map((a) => a.status), [503, 503, 503, 200, 200]);
  assert.deepEqual(seen.map((a) => a.consecutive), [0, 0, 0, 1, 2]);
});

test('a flapping service does not pass until two successes in a row', async (t) => {
  const script = [200, 500, 200, 500, 200, 200];
  const server = await startServer(t, (n, _req, res) => sendJson(res, script[n - 1] ?? 500, { sha: SHA }));
  const seen: HealthAttempt[] = [];
  const result = await checkHealth(config(server.url), expected, { onAttempt: (a) => seen.push(a) });
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.attempts, 6);
  assert.deepEqual(seen.map((a) => a.consecutive), [1, 0, 1, 0, 1, 2]);
});

test('a service that keeps flapping fails at the timeout', async (t) => {
  const server = await startServer(t, (n, _req, res) => sendJson(res, n % 2 === 1 ? 200 : 500, { sha: SHA }));
  const result = await checkHealth(config(server.url, { timeout: 250 }), expected);
  assert.equal(result.ok, false);
  assert.ok(result.attempts >= 3, `only ${result.attempts} attempts`);
});

test('connection refused is an observation, said plainly, and the check ends near its timeout', async () => {
  const url = `http://127.0.0.1:${await closedPort()}/health`;
  const started = performance.now();
  const result = await checkHealth(config(url, { timeout: 300, interval: 50 }), expected);
  const elapsed = performance.now() - started;
  assert.equal(result.ok, false);
  assert.equal(result.lastStatus, null);
  assert.equal(result.reported, null);
  assert.ok(result.attempts > 1);
  assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed}ms`);
  assert.equal(result.reason, `connection refused at ${url} (${result.attempts} attempts in ${(result.durationMs / 1000).toFixed(1)}s)`);
});

test('a body that is not JSON fails with a clear reason', async (t) => {
  const server = await startServer(t, (_n, _req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>OK</html>');
  });
  const result = await checkHealth(config(server.url, { timeout: 100 }), expected);
  assert.equal(result.ok, false);
  assert.match(result.reason, /: body is not JSON \(starts "<html>OK<\/html>"\), expected a "sha" field \(/);
});

test('a nested field is read through dots', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { build: { sha: SHA.toUpperCase(), at: 'now' } }));
  const ok = await checkHealth(config(server.url, { expect_version: 'build.sha' }), expected);
  assert.equal(ok.ok, true, ok.reason);
  const missing = await checkHealth(config(server.url, { expect_version: 'build.commit', timeout: 100 }), expected);
  assert.equal(missing.ok, false);
  assert.match(missing.reason, /no "build\.commit" field in the body/);
});

test('expect_version false checks the status only', async (t) => {
  const server = await startServer(t, (_n, _req, res) => {
    res.writeHead(200);
    res.end('fine');
  });
  const result = await checkHealth(config(server.url, { expect_version: false }), expected);
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.reported, null);
});

test('a hanging server: the check ends near health.timeout with a timeout reason', async (t) => {
  const server = await startServer(t, () => {
    // never answers
  });
  const started = performance.now();
  const result = await checkHealth(config(server.url, { timeout: 400 }), expected);
  const elapsed = performance.now() - started;
  assert.equal(result.ok, false);
  assert.ok(elapsed >= 350 && elapsed < 3000, `took ${elapsed}ms`);
  assert.match(result.reason, /^no answer from http:\/\/127\.0\.0\.1:\d+\/health within \d+ms \(1 attempt in \d+\.\ds\)$/);
});

test('each request has its own timeout, so a hung attempt does not use up the window', async (t) => {
  const server = await startServer(t, (n, _req, res) => {
    if (n > 2) sendJson(res, 200, { sha: SHA });
  });
  const seen: HealthAttempt[] = [];
  const result = await checkHealth(config(server.url, { timeout: 2000 }), expected, { requestTimeoutMs: 150, onAttempt: (a) => seen.push(a) });
  assert.equal(result.ok, true, result.reason);
  assert.equal(result.attempts, 4);
  assert.match(seen[0]?.reason ?? '', /no answer from .* within 150ms/);
  assert.ok(seen.slice(0, 2).every((a) => a.durationMs >= 140 && a.durationMs < 1500), JSON.stringify(seen));
});

test('headers sent and then a stalled body also time out', async (t) => {
  const server = await startServer(t, (_n, _req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"sha":');
  });
  const result = await checkHealth(config(server.url, { timeout: 300 }), expected);
  assert.equal(result.ok, false);
  assert.match(result.reason, /no answer from .* within/);
});

test('an abort signal stops the check early', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 500, {}));
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = performance.now();
  const result = await checkHealth(config(server.url, { timeout: 5000, interval: 30 }), expected, { signal: controller.signal });
  assert.equal(result.ok, false);
  assert.ok(performance.now() - started < 3000);
  assert.match(result.reason, /check cancelled after \d+ attempts?/);
});
