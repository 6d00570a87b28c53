import assert from 'node:assert/strict';
import { it } from 'node:test';
import { approvalRefusal, needsApproval } from '../../src/core/approval.js';
import { isStale } from '../../src/core/lock.js';

it('needs approval by policy and risk', () => {
  assert.deepEqual(['low', 'medium', 'high'].map((r) => needsApproval(r as 'low', 'high')), [false, false, true]);
  assert.deepEqual(['low', 'medium', 'high'].map((r) => needsApproval(r as 'low', 'medium')), [false, true, true]);
  assert.deepEqual(['low', 'medium', 'high'].map((r) => needsApproval(r as 'low', 'all')), [true, true, true]);
  assert.deepEqual(['low', 'medium', 'high'].map((r) => needsApproval(r as 'low', 'none')), [false, false, false]);
});

it('refuses approvers not on the list and self-approval unless allowed', () => {
  assert.equal(approvalRefusal('Bob@Example.com', 'alice@example.com', ['bob@example.com'], false), null);
  assert.match(approvalRefusal('eve@example.com', 'alice@example.com', ['bob@example.com'], false) ?? '', /not an approver/);
  assert.match(approvalRefusal('bob@example.com', 'bob@example.com', ['bob@example.com'], false) ?? '', /cannot approve it too/);
  assert.equal(approvalRefusal('bob@example.com', 'bob@example.com', ['bob@example.com'], true), null);
  assert.match(approvalRefusal('bob@example.com', 'alice@example.com', [], false) ?? '', /approvers is empty/);
});

it('a lock is stale when its lease ran out, or on this host when its process is gone', () => {
  const holder = { runId: 'r', user: 'u', host: 'web1', pid: 42, since: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T00:01:00Z' };
  const before = new Date('2026-01-01T00:00:30Z');
  const after = new Date('2026-01-01T00:01:01Z');
  assert.equal(isStale(holder, { host: 'web1', now: before, isAlive: () => true }), false);
  assert.equal(isStale(holder, { host: 'web1', now: before, isAlive: () => false }), true);
  assert.equal(isStale(holder, { host: 'web2', now: before, isAlive: () => false }), false, 'another host: its pid means nothing here');
  assert.equal(isStale(holder, { host: 'web2', now: after, isAlive: () => true }), true);
});
