import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrationsToRevert } from '../../../src/core/migrations/toRevert.js';
import type { Release } from '../../../src/core/release.js';

function release(id: string, version: string, migrations: string[]): Release {
  return {
    id, app: 'shop', env: 'production', version, sha: null, artifact: null, status: 'superseded', deployedBy: 'me', deployedAt: '2026-01-01T00:00:00Z',
    verifiedAt: null, markedBadAt: null, activatedAt: null, migrations, source: 'rewind',
  };
}

describe('migrationsToRevert', () => {
  // Newest first, as the ledger lists them.
  const releases = [release('r4', 'v4', ['004_d']), release('r3', 'v3', ['002_b', '003_c']), release('r2', 'v2', []), release('r1', 'v1', ['001_a'])];

  it('is what the releases newer than the target applied, newest first', () => {
    assert.deepEqual(migrationsToRevert(releases, 'r4', 'r1', ['001_a', '002_b', '003_c', '004_d']), [
      { id: '004_d', appliedBy: 'v4' }, { id: '003_c', appliedBy: 'v3' }, { id: '002_b', appliedBy: 'v3' },
    ]);
  });

  it('leaves out what is no longer applied (an earlier rollback reverted it)', () => {
    assert.deepEqual(migrationsToRevert(releases, 'r4', 'r2', ['001_a', '002_b', '004_d']).map((m) => m.id), ['004_d', '002_b']);
  });

  it('never reverts what the target or older releases applied', () => {
    assert.deepEqual(migrationsToRevert(releases, 'r3', 'r2', ['001_a', '002_b', '003_c']).map((m) => m.id), ['003_c', '002_b']);
    assert.deepEqual(migrationsToRevert(releases, 'r2', 'r1', ['001_a']), []);
  });

  it('is empty when the target is not older than the failed release', () => {
    assert.deepEqual(migrationsToRevert(releases, 'r1', 'r4', ['001_a']), []);
  });
});
