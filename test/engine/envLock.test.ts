/**
 * The environment lock as a run holds it, over a real SQLite ledger: its
 * fenced ledger, its generation through a handover and back, and
 * assertHeld once its lease can no longer be renewed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ledger } from '../../src/core/ports.js';
import { LEASE_MS, takeEnvLock, type LockDeps } from '../../src/engine/envLock.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { rejectsWith } from '../ledger/contract.js';
import { run } from '../ledger/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'shop:production';
const clock = { now: () => new Date() };

async function openLedger(t: TestContext, file?: string): Promise<{ ledger: Ledger; file: string }> {
  const path = file ?? join(await tempDir(t), 'ledger.sqlite');
  const ledger = await openSqliteLedger(path);
  t.after(() => ledger.close());
  return { ledger, file: path };
}

function deps(ledger: Ledger, host: string, leaseMs?: number): LockDeps {
  return { ledger, clock, user: `${host}@example.com`, self: { host, pid: process.pid, isAlive: () => true }, leaseMs };
}

/** Poll (bounded) until `check` stops throwing. */
async function eventually(check: () => void, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

test('the lease is LEASE_MS unless LockDeps.leaseMs says otherwise; the holder carries its generation', async (t) => {
  const { ledger } = await openLedger(t);
  const before = Date.now();
  const standard = await takeEnvLock(deps(ledger, 'web1'), KEY, 'run1');
  t.after(() => standard.stopRenewing());
  const first = await ledger.getLock(KEY);
  assert.ok(Date.parse(first!.expiresAt) >= before + LEASE_MS);
  assert.equal(first?.generation, 1);
  await standard.release();
  assert.equal(await ledger.getLock(KEY), undefined);

  const short = await takeEnvLock(deps(ledger, 'web1', 1500), KEY, 'run2');
  t.after(() => short.stopRenewing());
  const second = await ledger.getLock(KEY);
  assert.ok(Date.parse(second!.expiresAt) < Date.now() + 1600);
  assert.equal(second?.generation, 2, 'a release keeps the count: the next take is the next generation');
  short.assertHeld();
  await short.release();
});

test('a held lock fences its ledger; a handover moves the fence to the child and back under a new generation', async (t) => {
  const { ledger } = await openLedger(t);
  await ledger.insertRun(run('deploy1', { kind: 'deploy' }));
  await ledger.insertRun(run('rollback1'));
  const parent = await takeEnvLock(deps(ledger, 'web1'), KEY, 'deploy1');
  t.after(() => parent.stopRenewing());
  await parent.ledger.updateRun('deploy1', { status: 'running' });
  parent.assertHeld();

  const child = await parent.handOver('rollback1');
  t.after(() => child.stopRenewing());
  assert.deepEqual([(await ledger.getLock(KEY))?.runId, (await ledger.getLock(KEY))?.generation], ['rollback1', 2]);
  await child.ledger.updateRun('rollback1', { status: 'running' });
  await assert.rejects(parent.ledger.updateRun('deploy1', { status: 'failed' }), rejectsWith('LOCK_LOST', /run rollback1 holds it now/));
  parent.assertHeld(); // lent, not lost: the child holds the lock for it
  child.assertHeld();

  await child.release();
  assert.deepEqual([(await ledger.getLock(KEY))?.runId, (await ledger.getLock(KEY))?.generation], ['deploy1', 3]);
  await assert.rejects(child.ledger.updateRun('rollback1', { status: 'failed' }), rejectsWith('LOCK_LOST', /run deploy1 holds it now/));
  await parent.ledger.updateRun('deploy1', { status: 'succeeded' });
  parent.assertHeld();
  assert.deepEqual([(await ledger.getRun('deploy1'))?.status, (await ledger.getRun('rollback1'))?.status], ['succeeded', 'running']);

  await parent.release();
  assert.equal(await ledger.getLock(KEY), undefined);
});

test('a child gives the lock back once: a second release changes nothing, and the parent keeps it', async (t) => {
  const { ledger } = await openLedger(t);
  const parent = await takeEnvLock(deps(ledger, 'web1'), KEY, 'deploy1');
  t.after(() => parent.stopRenewing());
  const child = await parent.handOver('rollback1');
  await child.release();
  await child.release();
  assert.deepEqual([(await ledger.getLock(KEY))?.runId, (await ledger.getLock(KEY))?.generation], ['deploy1', 3]);
  parent.assertHeld();
  await parent.release();
});

test('a run whose lock was taken over cannot hand it to a child: LOCK_LOST, and the taker keeps it', async (t) => {
  const { ledger } = await openLedger(t);
  const parent = await takeEnvLock(deps(ledger, 'web1'), KEY, 'deploy1');
  t.after(() => parent.stopRenewing());
  const other = { runId: 'run-other', user: 'bob', host: 'web2', pid: 2, since: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() };
  assert.ok((await ledger.acquireLock(KEY, other, 'deploy1')).taken);
  await assert.rejects(parent.handOver('rollback1'), rejectsWith('LOCK_LOST', /^run deploy1 lost its lock on production: run run-other by bob on web2 .* took it over; run rollback1 was not started$/));
  assert.throws(() => parent.assertHeld(), rejectsWith('LOCK_LOST', /run run-other by bob/));
  await parent.release();
  assert.equal((await ledger.getLock(KEY))?.runId, 'run-other');
});

test('renewals that keep failing: assertHeld throws LOCK_LOST with the last error once two thirds of the lease went unrenewed', async (t) => {
  const { ledger } = await openLedger(t);
  const lock = await takeEnvLock(deps(ledger, 'web1', 900), KEY, 'run1');
  t.after(() => lock.stopRenewing());
  const takenAt = Date.now();
  // The ledger goes away under the holder: every renewal from now on fails for real.
  await ledger.close();
  lock.assertHeld();
  await eventually(() => assert.throws(() => lock.assertHeld(), rejectsWith('LOCK_LOST', /^run run1 lost its lock on production: its lease could not be renewed since \S+ \(last error: ledger .*renewLock failed: .+\); stopping before the next step$/)), 3000);
  assert.ok(Date.now() - takenAt >= 600, 'not before two thirds of the lease');
});
