import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthVerdict, shaMatches } from '../../src/core/healthVerdict.js';
import type { HealthExpectation } from '../../src/core/healthVerdict.js';

const SHA = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
const expect: HealthExpectation = { status: 200, field: 'sha', version: 'v1.2.0', sha: SHA };
const json = (value: unknown): string => JSON.stringify(value);

test('a matching full sha passes', () => {
  const verdict = healthVerdict({ status: 200, body: json({ sha: SHA }) }, expect);
  assert.equal(verdict.ok, true);
  assert.equal(verdict.reported, SHA);
  assert.match(verdict.reason, /^status 200, reports 9f8e7d6 at "sha"$/);
});

test('an abbreviated or upper-case sha passes', () => {
  assert.equal(healthVerdict({ status: 200, body: json({ sha: SHA.slice(0, 7) }) }, expect).ok, true);
  assert.equal(healthVerdict({ status: 200, body: json({ sha: SHA.toUpperCase() }) }, expect).ok, true);
  assert.equal(healthVerdict({ status: 200, body: json({ sha: SHA }) }, { ...expect, sha: SHA.slice(0, 10) }).ok, true);
});

test('the version passes in place of the sha', () => {
  const verdict = healthVerdict({ status: 200, body: json({ sha: 'v1.2.0' }) }, expect);
  assert.equal(verdict.ok, true);
  assert.equal(verdict.reported, 'v1.2.0');
});

test('a numeric version is compared as text', () => {
  assert.equal(healthVerdict({ status: 200, body: json({ version: 3 }) }, { ...expect, field: 'version', version: '3' }).ok, true);
});

test('a different sha fails and names both', () => {
  const verdict = healthVerdict({ status: 200, body: json({ sha: '1a2b3c4d5e6f' }) }, expect);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.reported, '1a2b3c4d5e6f');
  assert.equal(verdict.reason, 'reports 1a2b3c4 at "sha", expected 9f8e7d6 (v1.2.0)');
});

test('shas that differ only after the seventh character are shown in full', () => {
  const other = `${SHA.slice(0, 39)}0`;
  const verdict = healthVerdict({ status: 200, body: json({ sha: other }) }, expect);
  assert.equal(verdict.ok, false);
  assert.ok(verdict.reason.includes(other) && verdict.reason.includes(SHA), verdict.reason);
});

test('without a sha only the version can match', () => {
  const verdict = healthVerdict({ status: 200, body: json({ sha: SHA }) }, { ...expect, sha: null });
  assert.equal(verdict.ok, false);
  assert.equal(verdict.reason, 'reports 9f8e7d6 at "sha", expected v1.2.0');
});

test('prefixes shorter than seven characters do not match', () => {
  assert.equal(shaMatches('9f8e7d', SHA), false);
  assert.equal(shaMatches('9f8e7d6', SHA), true);
  assert.equal(shaMatches('', SHA), false);
  assert.equal(shaMatches('abc', 'ABC'), true);
  assert.equal(shaMatches('9f8e7d6x', SHA), false);
});

test('a wrong status fails before the body is judged', () => {
  const verdict = healthVerdict({ status: 500, body: json({ sha: SHA }) }, expect);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.reason, 'status 500, expected 200');
  assert.equal(verdict.reported, SHA);
});

test('a body that is not JSON fails with a preview', () => {
  const verdict = healthVerdict({ status: 200, body: '<html>\n<body>ok</body></html>' }, expect);
  assert.equal(verdict.ok, false);
  assert.match(verdict.reason, /^body is not JSON \(starts "<html> <body>ok/);
  assert.match(verdict.reason, /expected a "sha" field$/);
  assert.doesNotMatch(verdict.reason, /\n/);
});

test('an empty body is called empty', () => {
  assert.match(healthVerdict({ status: 200, body: '' }, expect).reason, /empty body/);
});

test('a missing field fails and names the field', () => {
  const verdict = healthVerdict({ status: 200, body: json({ version: 'v1.2.0' }) }, expect);
  assert.equal(verdict.ok, false);
  assert.match(verdict.reason, /^no "sha" field in the body/);
});

test('a nested field is followed through dots', () => {
  const nested = { ...expect, field: 'build.sha' };
  assert.equal(healthVerdict({ status: 200, body: json({ build: { sha: SHA } }) }, nested).ok, true);
  assert.match(healthVerdict({ status: 200, body: json({ build: SHA }) }, nested).reason, /no "build.sha" field/);
  assert.match(healthVerdict({ status: 200, body: json({ build: { sha: { a: 1 } } }) }, nested).reason, /"build.sha" is an object/);
});

test('a field that is null is not a value', () => {
  const verdict = healthVerdict({ status: 200, body: json({ sha: null }) }, expect);
  assert.equal(verdict.ok, false);
  assert.match(verdict.reason, /"sha" is null/);
});

test('field false checks the status only', () => {
  const statusOnly = { ...expect, field: false as const };
  assert.deepEqual(healthVerdict({ status: 200, body: 'not json' }, statusOnly), { ok: true, reason: 'status 200', reported: null });
  assert.equal(healthVerdict({ status: 503, body: '' }, statusOnly).ok, false);
});

test('an error is the reason, on one line', () => {
  const verdict = healthVerdict({ error: 'connection refused at http://127.0.0.1:1/health\n' }, expect);
  assert.deepEqual(verdict, { ok: false, reason: 'connection refused at http://127.0.0.1:1/health', reported: null });
});
