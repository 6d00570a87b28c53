import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RewindError } from '../../../src/core/errors.js';
import type { PlanMigration } from '../../../src/core/plan.js';
import { planRollback, type RollbackInput } from '../../../src/core/planRollback.js';
import type { Release } from '../../../src/core/release.js';

function release(id: string, version: string, fields: Partial<Release> = {}): Release {
  return {
    id, app: 'shop', env: 'production', version, sha: null, artifact: null, status: 'superseded', deployedBy: 'me', deployedAt: '2026-01-01T00:00:00Z',
    verifiedAt: '2026-01-01T00:00:00Z', markedBadAt: null, activatedAt: null, migrations: [], source: 'rewind', ...fields,
  };
}

const releases = [release('r2', 'v2', { status: 'live', verifiedAt: null, activatedAt: '2026-01-02T00:00:00Z', migrations: ['002_add_note'] }), release('r1', 'v1')];

function input(migrations: PlanMigration[]): RollbackInput {
  return {
    app: 'shop', env: 'production', driver: 'releases', hosts: ['local'], now: '2026-11-22T00:00:00Z', releases, observedLive: 'v2',
    healthConfigured: true, reloadConfigured: true, ledgerDigest: 'd', approvalPolicy: 'high', migrations,
  };
}

const migration = (fields: Partial<PlanMigration> = {}): PlanMigration => ({ id: '002_add_note', reversibility: 'auto', dataLoss: [], appliedBy: 'v2', downPath: 'db/migrations/002_add_note.down.sql', ...fields });

describe('a plan with migrations', () => {
  it('reverts them after checking the target and before the switch, and lists them', () => {
    const plan = planRollback(input([migration()]));
    assert.deepEqual(plan.steps.map((s) => s.kind), ['ensure_release', 'migration', 'switch', 'reload', 'verify', 'mark']);
    assert.match(plan.steps[1]?.title ?? '', /revert migration 002_add_note with v2's down step/);
    assert.deepEqual(plan.migrations, [migration()]);
    assert.equal(plan.riskLevel, 'low');
  });

  it('is high risk and needs approval when a down step loses data', () => {
    const plan = planRollback(input([migration({ dataLoss: ['DROP COLUMN items.note'] })]));
    assert.equal(plan.riskLevel, 'high');
    assert.equal(plan.approvalRequired, true);
    assert.ok(plan.risks.some((r) => r.code === 'data_loss' && r.message.includes('DROP COLUMN items.note')));
  });

  it('pauses for a manual migration: a medium risk and a step saying so', () => {
    const plan = planRollback(input([migration({ reversibility: 'manual' })]));
    assert.ok(plan.risks.some((r) => r.code === 'manual_migration' && r.level === 'medium'));
    assert.match(plan.steps[1]?.title ?? '', /pause: an operator reverts migration 002_add_note/);
  });

  it('is refused when a migration is irreversible: only a forward fix is possible', () => {
    assert.throws(() => planRollback(input([migration({ id: '003_x', reversibility: 'none' }), migration()])), (error: unknown) => {
      assert.ok(error instanceof RewindError);
      assert.equal(error.code, 'IRREVERSIBLE_MIGRATION');
      assert.equal(error.exitCode, 3);
      assert.match(error.message, /003_x is irreversible: .*only a forward fix is possible/);
      return true;
    });
  });
});
