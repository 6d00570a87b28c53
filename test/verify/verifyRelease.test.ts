import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HealthConfig } from '../../src/config/schema/health.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import { verifyRelease } from '../../src/verify/verifyRelease.js';
import type { VerificationCheck } from '../../src/verify/verifyRelease.js';
import { tempDir } from '../helpers/tmp.js';
import { sendJson, startServer } from './server.js';

const SHA = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
const node = process.execPath;
const exec = createLocalExec();
const expected = { version: 'v1.2.0', sha: SHA };
const vars = { version: 'v1.2.0', sha: SHA };

// Generous by default: a passing check ends at its second success, and a loaded machine must not fail it.
function health(url: string, timeout = 8000): HealthConfig {
  return { url, expect_status: 200, expect_version: 'sha', timeout, interval: 20, successes: 2 };
}

/** A smoke command that leaves a file behind, so a test can tell whether it ran. */
const touch = (path: string, exitCode = 0): string[] => [node, '-e', `require("node:fs").writeFileSync(process.argv[1], "x"); process.exit(${exitCode})`, path];

test('health then smoke: both pass', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { sha: SHA }));
  const dir = await tempDir(t);
  const seen: VerificationCheck[] = [];
  const result = await verifyRelease(
    { health: health(server.url), smoke: [touch(join(dir, 'ran'))], expected, vars },
    { exec, onCheck: (check) => seen.push(check) },
  );
  assert.equal(result.ok, true);
  assert.equal(result.reason, null);
  assert.deepEqual(result.checks.map((c) => [c.name, c.ok]), [['health', true], ['smoke', true]]);
  assert.equal(result.checks[1]?.detail, '1 smoke command passed');
  assert.deepEqual(seen, result.checks);
  assert.ok(existsSync(join(dir, 'ran')));
  assert.equal(result.health?.attempts, 2);
});

test('a failing health check skips smoke and gives the reason', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 503, { sha: SHA }));
  const dir = await tempDir(t);
  const result = await verifyRelease({ health: health(server.url, 150), smoke: [touch(join(dir, 'ran'))], expected, vars }, { exec });
  assert.equal(result.ok, false);
  assert.deepEqual(result.checks.map((c) => [c.name, c.ok]), [['health', false]]);
  assert.match(result.reason ?? '', /^health http:\/\/127\.0\.0\.1:\d+\/health: status 503, expected 200 \(\d+ attempts in/);
  assert.equal(existsSync(join(dir, 'ran')), false, 'smoke ran against an unhealthy service');
  assert.ok((result.checks[0]?.durationMs ?? 0) >= 100);
});

test('a failing smoke command after a healthy check fails verification', async (t) => {
  const server = await startServer(t, (_n, _req, res) => sendJson(res, 200, { sha: SHA.slice(0, 8) }));
  const dir = await tempDir(t);
  const result = await verifyRelease({ health: health(server.url), smoke: [touch(join(dir, 'ran'), 3)], expected, vars, cwd: dir }, { exec });
  assert.equal(result.ok, false);
  assert.deepEqual(result.checks.map((c) => [c.name, c.ok]), [['health', true], ['smoke', false]]);
  assert.match(result.reason ?? '', /^smoke command .* exited 3$/);
  assert.equal(result.smoke?.results[0]?.code, 3);
});

test('smoke only: runs with placeholders and no health check', async () => {
  const check = [node, '-e', 'process.exit(process.argv[1] === "v1.2.0" ? 0 : 1)', '{version}'];
  const result = await verifyRelease({ smoke: [check], expected, vars }, { exec });
  assert.equal(result.ok, true, result.reason ?? '');
  assert.deepEqual(result.checks.map((c) => c.name), ['smoke']);
  assert.equal(result.health, undefined);
});

test('nothing configured: ok, no checks, no reason', async () => {
  const result = await verifyRelease({ smoke: [], expected, vars }, { exec });
  assert.deepEqual(result, { ok: true, checks: [], reason: null });
});
