import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { findChainBreak } from '../../src/core/auditHash.js';
import { beginImmediate } from '../../src/ledger/sqliteLock.js';
import { tempDir } from '../helpers/tmp.js';
import { ledgerContract, rejectsWith } from './contract.js';
import { release, run } from './fixtures.js';

ledgerContract('sqlite', async (t) => openSqliteLedger(join(await tempDir(t), 'ledger.db')));

const event = (i: number) => ({
  at: `2025-01-01T00:00:00.${String(i).padStart(3, '0')}Z`, actor: 'x', action: 'a', app: 'shop', env: 'production', runId: null, outcome: 'ok', detail: { i },
});

test('sqlite: reopening the file keeps releases, runs, steps and the audit chain', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const first = await openSqliteLedger(file);
  await first.insertRelease(release('r1', { status: 'verified' }));
  await first.insertRelease(release('r2'));
  await first.insertRun(run('run1'));
  await first.startStep('run1', 0, 'switch', '2025-01-01T11:00:00.000Z');
  const audited = await first.appendAudit(event(1));
  await first.close();
  await first.close(); // idempotent

  const second = await openSqliteLedger(file);
  t.after(() => second.close());
  assert.deepEqual((await second.listReleases({ app: 'shop', env: 'production' })).map((r) => r.id), ['r2', 'r1']);
  assert.deepEqual(await second.getRun('run1'), run('run1'));
  assert.equal((await second.listSteps('run1'))[0]?.name, 'switch');
  // Newest first: the entry appended, after the two release.state entries of the inserts.
  assert.deepEqual((await second.listAudit()).map((e) => [e.seq, e.action]), [[3, 'a'], [2, 'release.state'], [1, 'release.state']]);
  assert.deepEqual((await second.listAudit())[0], audited);
  // The chain and the insert order continue where they stopped.
  const next = await second.appendAudit(event(2));
  assert.equal(next.seq, 4);
  assert.equal(next.prevHash, audited.hash);
  await second.insertRelease(release('r3'));
  assert.equal((await second.listReleases({ app: 'shop', env: 'production', limit: 1 }))[0]?.id, 'r3');
});

test('sqlite: the file is in WAL mode with foreign keys enforced', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const ledger = await openSqliteLedger(file);
  t.after(() => ledger.close());
  const raw = new BetterSqlite3(file, { readonly: true });
  t.after(() => raw.close());
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  // A step of a run that does not exist violates the steps -> runs foreign key.
  await assert.rejects(ledger.startStep('no-such-run', 0, 'x', 'now'), rejectsWith('LEDGER_ERROR', /FOREIGN KEY/));
});

test('sqlite: a missing directory is a LEDGER_ERROR naming the file, and is not created', async (t) => {
  const dir = join(await tempDir(t), 'absent');
  const file = join(dir, 'ledger.db');
  await assert.rejects(openSqliteLedger(file), (error: unknown) => {
    rejectsWith('LEDGER_ERROR')(error);
    const message = (error as Error).message;
    assert.ok(message.includes(file), message);
    assert.equal(message.includes('\n'), false);
    return true;
  });
  assert.equal(existsSync(dir), false);
});

test('sqlite: a file that is not a database is a LEDGER_ERROR', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  await writeFile(file, 'this is not sqlite, just some text that is long enough to have a header '.repeat(20));
  await assert.rejects(openSqliteLedger(file), rejectsWith('LEDGER_ERROR', /not a database/));
});

test('sqlite: two handles on one file append without forking the chain', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const [a, b] = await Promise.all([openSqliteLedger(file), openSqliteLedger(file)]);
  t.after(() => Promise.all([a.close(), b.close()]));
  const started = Date.now();
  await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).appendAudit(event(i))));
  // Waiting for the write lock must not stall the event loop until busy_timeout.
  assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  const listed = await a.listAudit();
  assert.equal(listed.length, 40);
  assert.deepEqual(listed.map((e) => e.seq), Array.from({ length: 40 }, (_, i) => 40 - i));
  assert.equal(findChainBreak(listed), undefined);
});

test('sqlite: markLive from two handles leaves exactly one live release', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const [a, b] = await Promise.all([openSqliteLedger(file), openSqliteLedger(file)]);
  t.after(() => Promise.all([a.close(), b.close()]));
  for (const id of ['r1', 'r2', 'r3', 'r4']) await a.insertRelease(release(id, { status: 'deploying' }));
  await Promise.all([a.markLive('r1', 'live'), b.markLive('r2', 'verified'), a.markLive('r3', 'live'), b.markLive('r4', 'live')]);
  const live = (await b.listReleases({ app: 'shop', env: 'production' })).filter((r) => r.status === 'live' || r.status === 'verified');
  assert.equal(live.length, 1);
});

test('sqlite: an altered audit row is found by findChainBreak', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const ledger = await openSqliteLedger(file);
  t.after(() => ledger.close());
  for (let i = 1; i <= 3; i += 1) await ledger.appendAudit(event(i));
  const raw = new BetterSqlite3(file);
  raw.prepare("update audit set detail = '{\"i\":99}' where seq = 2").run();
  raw.close();
  assert.deepEqual(findChainBreak(await ledger.listAudit()), { seq: 2, reason: 'hash does not match the entry' });
});

test('sqlite: a writer that cannot get the lock in time fails with a clear reason, without blocking the loop', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  await (await openSqliteLedger(file)).close();
  const holder = new BetterSqlite3(file);
  const waiter = new BetterSqlite3(file);
  t.after(() => { holder.close(); waiter.close(); });
  holder.exec('begin immediate');
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 5);
  await assert.rejects(beginImmediate(async (statement) => waiter.exec(statement), 150), /write lock for more than 0.15s/);
  clearInterval(timer);
  assert.ok(ticks >= 5, `event loop ticked ${ticks} times while waiting`);
  assert.equal(waiter.pragma('busy_timeout', { simple: true }), 150);
  holder.exec('rollback');
  await beginImmediate(async (statement) => waiter.exec(statement), 150);
  assert.equal(waiter.inTransaction, true);
  waiter.exec('rollback');
});
