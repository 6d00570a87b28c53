import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReleases, releaseState, stateDifferences } from '../../src/core/releaseAudit.js';
import type { AuditEvent } from '../../src/core/run.js';
import { release } from '../ledger/fixtures.js';

function stateEntry(seq: number, detail: Record<string, unknown>): AuditEvent {
  return { seq, at: 'now', actor: 'a', action: 'release.state', app: 'shop', env: 'production', runId: null, outcome: String(detail.status),
    detail, prevHash: '', hash: '' };
}

test('a release state covers every column, and differences are named in a fixed order', () => {
  const r = release('r1', { status: 'verified', verifiedAt: 't1' });
  const state = releaseState(r);
  assert.deepEqual(Object.keys(state), ['release_id', 'app', 'env', 'version', 'sha', 'artifact', 'status', 'verified_at', 'marked_bad_at',
    'activated_at', 'deployed_by', 'deployed_at', 'migrations', 'source']);
  assert.deepEqual(stateDifferences(state, { ...state }), []);
  assert.deepEqual(stateDifferences(releaseState({ ...r, markedBadAt: 't2', status: 'failed', migrations: ['m1'] }), state),
    ['status', 'marked_bad_at', 'migrations']);
});

test('each release row is compared with its newest audited state: changed, added and removed rows are told', () => {
  const a = release('ra', { version: 'v1', status: 'verified' });
  const b = release('rb', { version: 'v2', status: 'rolled_back', markedBadAt: 't' });
  const gone = release('rc', { version: 'v3' });
  const events = [
    stateEntry(1, releaseState({ ...a, status: 'live' })),
    stateEntry(2, releaseState(a)),
    stateEntry(3, releaseState(b)),
    stateEntry(4, releaseState(gone)),
  ];
  assert.deepEqual(checkReleases(events, [a, b, gone]), []);
  const problems = checkReleases(events, [a, { ...b, status: 'verified', markedBadAt: null }, release('rd', { version: 'v0' })]);
  assert.deepEqual(problems.map((p) => [p.releaseId, p.seq]), [['rb', 3], ['rd', null], ['rc', 4]]);
  assert.equal(problems[0]!.reason,
    'release rb (v2, shop production): the releases table says status verified, marked_bad_at null; the audit log (entry 3) says status rolled_back, marked_bad_at t');
  assert.equal(problems[1]!.reason, 'release rd (v0, shop production): in the releases table but in no audit entry (added outside rewind)');
  assert.equal(problems[2]!.reason, 'release rc (v3, shop production): in the audit log (entry 4) but not in the releases table (removed)');
});

test('an entry that found its row changed outside rewind stays a problem after the row is written again', () => {
  const a = release('ra', { version: 'v1', status: 'superseded' });
  const events = [stateEntry(1, releaseState(a)), stateEntry(2, { ...releaseState(a), outside_change: { entry: null, fields: [] } })];
  assert.deepEqual(checkReleases(events, [a]).map((p) => p.reason), [
    'release ra (v1, shop production): entry 2 found the row changed outside rewind before this change (no audit entry knew it)',
  ]);
});
