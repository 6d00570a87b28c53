/**
 * Issue 12, item 4: run A loses the ledger (its connection stalls) for longer
 * than its lease but stays alive; run B takes the lock over; A's connection
 * comes back. A must not carry on: it knows it lost the lock, its writes are
 * refused and write nothing, and its release leaves B's lock alone.
 * On PostgreSQL the stall is real: A talks to the server through a TCP proxy
 * the test pauses. On SQLite (two handles on one file) B takes over by its
 * own clock, which runs ahead.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock, Ledger } from '../../src/core/ports.js';
import { takeEnvLock, type HeldLock, type LockDeps } from '../../src/engine/envLock.js';
import { openPostgresLedger } from '../../src/ledger/postgres.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { postgresSkip, withTempDatabase } from '../helpers/postgres.js';
import { startTcpProxy } from '../helpers/tcpProxy.js';
import { tempDir } from '../helpers/tmp.js';
import { rejectsWith } from './contract.js';
import { run } from './fixtures.js';

const skip = await postgresSkip();

const KEY = 'shop:production';
const LEASE_MS = 1500;
const systemClock: Clock = { now: () => new Date() };

/** Different hosts, so B judges A by its lease alone (the pid check is for holders on the same host). */
function lockDeps(ledger: Ledger, host: string, more: Partial<LockDeps> = {}): LockDeps {
  return { ledger, clock: systemClock, user: `${host}@example.com`, self: { host, pid: process.pid, isAlive: () => true }, ...more };
}

/** Poll (bounded) until `check` stops throwing. */
async function eventually(check: () => void | Promise<void>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

/** Both runs exist, and A has journaled its first step under its lock. */
async function runsAndFirstStep(ledgerB: Ledger, a: HeldLock): Promise<void> {
  await ledgerB.insertRun(run('run-a', { status: 'running' }));
  await ledgerB.insertRun(run('run-b', { status: 'planned' }));
  await a.ledger.startStep('run-a', 0, 'switch to v2', systemClock.now().toISOString(), 'switch:v2');
  a.assertHeld();
}

/** After B took A's lock over: what A may no longer do, read back through B; and B is unhindered. */
async function showFencedOff(a: HeldLock, b: HeldLock, ledgerB: Ledger): Promise<void> {
  assert.throws(() => a.assertHeld(), rejectsWith('LOCK_LOST', /^run run-a lost its lock on production: .*; stopping before the next step$/));
  // Once A's renewal is answered (refused), A names who took the lock.
  await eventually(
    () => assert.throws(() => a.assertHeld(), rejectsWith('LOCK_LOST', /: run run-b by host-b@example\.com on host-b \(pid \d+\) since \S+ took it over;/)),
    3000,
  );
  await assert.rejects(
    a.ledger.startStep('run-a', 1, 'verify v2', systemClock.now().toISOString(), 'verify:v2'),
    rejectsWith('LOCK_LOST', /run run-a lost its lock on shop:production: run run-b holds it now .*startStep was refused/),
  );
  await assert.rejects(a.ledger.updateRun('run-a', { status: 'failed', error: 'verify failed' }), rejectsWith('LOCK_LOST', /updateRun was refused/));
  assert.deepEqual((await ledgerB.listSteps('run-a')).map((s) => [s.name, s.status]), [['switch to v2', 'running']], 'no verify step');
  assert.equal((await ledgerB.getRun('run-a'))?.status, 'running', 'A marked nothing failed');

  await a.release();
  const lock = await ledgerB.getLock(KEY);
  assert.deepEqual([lock?.runId, lock?.generation], ['run-b', 2], "A's release left B's lock alone");

  b.assertHeld();
  await b.ledger.updateRun('run-b', { status: 'running', startedAt: systemClock.now().toISOString() });
  await b.ledger.startStep('run-b', 0, 'switch to v1', systemClock.now().toISOString(), 'switch:v1');
  assert.equal((await ledgerB.getRun('run-b'))?.status, 'running');
  assert.deepEqual((await ledgerB.listSteps('run-b')).map((s) => s.status), ['running']);
  await b.release();
  assert.equal(await ledgerB.getLock(KEY), undefined);
}

/** ledger with its renewals counted: how many were sent, and the most ever in flight at once. */
function countingRenewals(ledger: Ledger) {
  const counts = { sent: 0, inFlight: 0, mostInFlight: 0 };
  const counted: Ledger = {
    ...ledger,
    renewLock: async (...args) => {
      counts.sent += 1;
      counts.inFlight += 1;
      counts.mostInFlight = Math.max(counts.mostInFlight, counts.inFlight);
      try {
        return await ledger.renewLock(...args);
      } finally {
        counts.inFlight -= 1;
      }
    },
  };
  return { counted, counts };
}

test('postgres: a holder whose connection stalled past its lease is taken over, and fenced off when it comes back', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const direct = new URL(url);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const ledgerB = await openPostgresLedger(url);
  const ledgerA = await openPostgresLedger(viaProxy.toString());
  const held: HeldLock[] = [];
  t.after(async () => {
    for (const lock of held) lock.stopRenewing();
    proxy.resume();
    await proxy.close();
    await Promise.all([ledgerA.close(), ledgerB.close()]);
  });

  const { counted, counts } = countingRenewals(ledgerA);
  const a = await takeEnvLock(lockDeps(counted, 'host-a', { leaseMs: LEASE_MS }), KEY, 'run-a');
  held.push(a);
  await runsAndFirstStep(ledgerB, a);
  await sleep(LEASE_MS / 3 + 100);
  assert.ok(counts.sent >= 1, 'A renews through the proxy');
  a.assertHeld();

  // A's connection stalls: nothing gets through either way, but no socket closes.
  proxy.pause();
  const sentBefore = counts.sent;
  const pausedAt = Date.now();
  // The pause ends after 3 s whatever happens meanwhile (bounded).
  const pauseOver = sleep(3000).then(() => proxy.resume());
  await eventually(async () => {
    const lock = await ledgerB.getLock(KEY);
    assert.ok(lock && Date.parse(lock.expiresAt) <= Date.now(), `A's lease should run out: ${JSON.stringify(lock)}`);
  }, 2 * LEASE_MS);
  const b = await takeEnvLock(lockDeps(ledgerB, 'host-b'), KEY, 'run-b');
  held.push(b);
  t.diagnostic(`B took the lock over ${Date.now() - pausedAt} ms into A's stall`);
  // Still cut off, A already knows it cannot count on its lock: no renewal got through for over two thirds of the lease.
  if (counts.inFlight === 1) {
    assert.throws(() => a.assertHeld(), rejectsWith('LOCK_LOST', /its lease could not be renewed since \S+ \(last error: none: the renewal is still waiting for the ledger\)/));
  }
  await pauseOver;

  // One renewal was sent into the stall and waited for: none was stacked on it.
  assert.equal(counts.sent - sentBefore, 1, 'one renewal during the stall');
  assert.equal(counts.mostInFlight, 1);
  await showFencedOff(a, b, ledgerB);
});

test('sqlite: a holder taken over (two handles on one file) is fenced off the same way', async (t) => {
  const file = join(await tempDir(t), 'ledger.sqlite');
  const ledgerA = await openSqliteLedger(file);
  const ledgerB = await openSqliteLedger(file);
  const held: HeldLock[] = [];
  t.after(async () => {
    for (const lock of held) lock.stopRenewing();
    await Promise.all([ledgerA.close(), ledgerB.close()]);
  });
  const a = await takeEnvLock(lockDeps(ledgerA, 'host-a', { leaseMs: LEASE_MS }), KEY, 'run-a');
  held.push(a);
  await runsAndFirstStep(ledgerB, a);

  // A keeps renewing, but B's clock runs ten minutes ahead: to B, A's lease ran out long ago.
  const ahead: Clock = { now: () => new Date(Date.now() + 600_000) };
  const b = await takeEnvLock(lockDeps(ledgerB, 'host-b', { clock: ahead }), KEY, 'run-b');
  held.push(b);
  // A finds out at its next renewal (every 500 ms), which is refused.
  await eventually(() => assert.throws(() => a.assertHeld(), rejectsWith('LOCK_LOST')), 3000);
  await showFencedOff(a, b, ledgerB);
});

test('without a take-over, a holder that renews keeps its lock: its writes work and assertHeld stays quiet', async (t: TestContext) => {
  const file = join(await tempDir(t), 'ledger.sqlite');
  const ledger = await openSqliteLedger(file);
  t.after(() => ledger.close());
  const a = await takeEnvLock(lockDeps(ledger, 'host-a', { leaseMs: 600 }), KEY, 'run-a');
  t.after(() => a.stopRenewing());
  await ledger.insertRun(run('run-a', { status: 'running' }));
  // Longer than the lease: only the renewals keep it.
  await sleep(900);
  a.assertHeld();
  await a.ledger.updateRun('run-a', { status: 'succeeded' });
  assert.ok(Date.parse((await ledger.getLock(KEY))!.expiresAt) > Date.now());
  await a.release();
  assert.equal(await ledger.getLock(KEY), undefined);
});
