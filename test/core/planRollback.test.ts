import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { lastKnownGood } from '../../src/core/lastKnownGood.js';
import { planRollback, type RollbackInput } from '../../src/core/planRollback.js';
import type { Release } from '../../src/core/release.js';

let seq = 0;
function release(version: string, fields: Partial<Release> = {}): Release {
  seq += 1;
  return {
    id: `rel-${seq}`, app: 'shop', env: 'production', version, sha: `${seq}`.padStart(7, 'a'), artifact: null,
    status: 'superseded', deployedBy: 'me', deployedAt: `2026-01-0${seq % 9}T00:00:00Z`, verifiedAt: '2026-01-01T00:00:00Z',
    markedBadAt: null, migrations: [], source: 'rewind', ...fields,
    // A release made live in these fixtures was switched to when deployed.
    activatedAt: fields.activatedAt ?? (fields.status === 'live' || fields.status === 'verified' ? `2026-01-0${seq % 9}T00:00:00Z` : null),
  };
}

/** Newest first, as the ledger lists them. */
function input(releases: Release[], extra: Partial<RollbackInput> = {}): RollbackInput {
  return {
    app: 'shop', env: 'production', driver: 'releases', hosts: ['local'], now: '2026-11-22T00:00:00Z', releases,
    observedLive: releases[0]?.version ?? null, healthConfigured: true, reloadConfigured: true, ledgerDigest: 'd', approvalPolicy: 'high', ...extra,
  };
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RewindError, String(error));
    return error.code;
  }
  return 'no error';
}

describe('lastKnownGood', () => {
  it('is the newest older verified release never marked bad', () => {
    const v3 = release('v3', { status: 'live', verifiedAt: null });
    const v2 = release('v2', { status: 'failed', markedBadAt: '2026-01-02T00:00:00Z' });
    const v1 = release('v1');
    assert.equal(lastKnownGood([v3, v2, v1], v3)?.version, 'v1');
  });

  it('skips releases that never passed verification and the failed version itself', () => {
    const v3 = release('v3', { status: 'live' });
    const v3again = release('v3');
    const v2 = release('v2', { verifiedAt: null });
    const v1 = release('v1');
    assert.equal(lastKnownGood([v3, v3again, v2, v1], v3)?.version, 'v1');
  });

  it('is undefined when nothing older passed', () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1', { status: 'rolled_back', markedBadAt: 'x' });
    assert.equal(lastKnownGood([v2, v1], v2), undefined);
  });
});

describe('planRollback', () => {
  it('plans from the live release to the last known good, low risk when one step back', () => {
    const v2 = release('v2', { status: 'verified' });
    const v1 = release('v1');
    const plan = planRollback(input([v2, v1]));
    assert.equal(plan.from.version, 'v2');
    assert.equal(plan.to.version, 'v1');
    assert.equal(plan.targetChosenBy, 'last_known_good');
    assert.equal(plan.riskLevel, 'low');
    assert.deepEqual(plan.steps.map((s) => s.kind), ['ensure_release', 'switch', 'reload', 'verify', 'mark']);
  });

  it('names the skipped releases and raises the risk when going back further', () => {
    const v3 = release('v3', { status: 'live' });
    const v2 = release('v2', { status: 'failed', markedBadAt: 'x' });
    const v1 = release('v1');
    const plan = planRollback(input([v3, v2, v1]));
    assert.equal(plan.to.version, 'v1');
    assert.deepEqual(plan.skipped, ['v2']);
    assert.equal(plan.riskLevel, 'medium');
    assert.ok(plan.risks.some((r) => r.code === 'distance'));
  });

  it('accepts --target-version and marks an unverified target high risk', () => {
    const v3 = release('v3', { status: 'live' });
    const v2 = release('v2', { verifiedAt: null });
    const v1 = release('v1');
    const plan = planRollback(input([v3, v2, v1], { targetVersion: 'v2' }));
    assert.equal(plan.to.version, 'v2');
    assert.equal(plan.targetChosenBy, 'requested');
    assert.equal(plan.riskLevel, 'high');
  });

  it('finds the failed release by id or by version', () => {
    const v3 = release('v3', { status: 'live' });
    const v2 = release('v2');
    const v1 = release('v1');
    assert.equal(planRollback(input([v3, v2, v1], { failed: v2.id })).to.version, 'v1');
    assert.equal(planRollback(input([v3, v2, v1], { failed: 'v3' })).to.version, 'v2');
  });

  it('reports drift when the target runs something else', () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1');
    const plan = planRollback(input([v2, v1], { observedLive: 'v9' }));
    assert.ok(plan.risks.some((r) => r.code === 'drift' && r.message.includes('v9')));
  });

  it('uses the observed version when the ledger has no live release', () => {
    const v2 = release('v2', { status: 'failed', markedBadAt: 'x' });
    const v1 = release('v1');
    assert.equal(planRollback(input([v2, v1], { observedLive: 'v2' })).from.version, 'v2');
  });

  it('refuses with a distinct code for each bad request', () => {
    const v2 = release('v2', { status: 'live' });
    const v1 = release('v1', { verifiedAt: null });
    assert.equal(code(() => planRollback(input([v2, v1]))), 'NO_KNOWN_GOOD');
    assert.equal(code(() => planRollback(input([v2, v1], { targetVersion: 'v9' }))), 'RELEASE_NOT_FOUND');
    assert.equal(code(() => planRollback(input([v2, v1], { targetVersion: 'v2' }))), 'BAD_TARGET');
    assert.equal(code(() => planRollback(input([v2, v1], { failed: 'v1', targetVersion: 'v2' }))), 'BAD_TARGET');
    assert.equal(code(() => planRollback(input([v2, v1], { targetVersion: '../v1' }))), 'UNSAFE_NAME');
    assert.equal(code(() => planRollback(input([v2, v1], { failed: 'a;b' }))), 'UNSAFE_NAME');
    assert.equal(code(() => planRollback(input([v2, v1], { failed: 'nope' }))), 'RELEASE_NOT_FOUND');
    assert.equal(code(() => planRollback(input([], { observedLive: null }))), 'NOTHING_LIVE');
  });
});

it('does not count earlier attempts at the failed version as skipped releases', () => {
  const v3 = release('v3', { status: 'live' });
  const v3before = release('v3', { status: 'rolled_back', markedBadAt: 'x' });
  const v2 = release('v2');
  const plan = planRollback(input([v3, v3before, v2]));
  assert.equal(plan.to.version, 'v2');
  assert.deepEqual(plan.skipped, []);
  assert.equal(plan.riskLevel, 'low');
});
