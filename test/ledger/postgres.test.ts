import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { openPostgresLedger } from '../../src/ledger/postgres.js';
import { LEDGER_WRITE_LOCK_KEY } from '../../src/ledger/postgresLock.js';
import { findChainBreak } from '../../src/core/auditHash.js';
import { MIGRATION_NAMES } from '../../src/ledger/migrations/index.js';
import { databaseUrl, postgresSkip, withAdmin, withTempDatabase } from '../helpers/postgres.js';
import { ledgerContract, rejectsWith } from './contract.js';
import { release, run } from './fixtures.js';

const skip = await postgresSkip();

if (skip) test('postgres ledger', { skip }, () => undefined);
else ledgerContract('postgres', async (t) => openPostgresLedger((await withTempDatabase(t)).url));

const event = (i: number) => ({
  at: `2025-01-01T00:00:00.${String(i).padStart(3, '0')}Z`, actor: 'x', action: 'a', app: 'shop', env: 'production', runId: null, outcome: 'ok', detail: { i },
});

async function twoHandles(t: Parameters<typeof withTempDatabase>[0]) {
  const { url } = await withTempDatabase(t);
  const a = await openPostgresLedger(url);
  const b = await openPostgresLedger(url);
  t.after(() => Promise.all([a.close(), b.close()]));
  return { url, a, b };
}

test('postgres: reopening keeps releases, runs, steps and the audit chain', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const first = await openPostgresLedger(url);
  await first.insertRelease(release('r1', { status: 'verified' }));
  await first.insertRun(run('run1'));
  await first.startStep('run1', 0, 'switch', '2025-01-01T11:00:00.000Z');
  const audited = await first.appendAudit(event(1));
  await first.close();
  await first.close();

  const second = await openPostgresLedger(url);
  t.after(() => second.close());
  assert.deepEqual(await second.getRelease('r1'), release('r1', { status: 'verified' }));
  assert.deepEqual(await second.getRun('run1'), run('run1'));
  // Newest first: the entry appended, after the release.state entry of the insert.
  assert.deepEqual((await second.listAudit()).map((e) => e.action), ['a', 'release.state']);
  assert.deepEqual((await second.listAudit())[0], audited);
  const next = await second.appendAudit(event(2));
  assert.deepEqual([next.seq, next.prevHash], [3, audited.hash]);
});

test('postgres: two handles appending 50 entries each keep one unbroken chain', { skip }, async (t) => {
  const { a, b } = await twoHandles(t);
  await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).appendAudit(event(i))));
  const listed = await b.listAudit();
  assert.equal(listed.length, 100);
  assert.deepEqual(listed.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => 100 - i));
  assert.equal(findChainBreak(listed), undefined);
  // Both handles' entries are in it, interleaved.
  const details = new Set(listed.map((e) => e.detail.i));
  assert.equal(details.size, 100);
});

test('postgres: two handles racing for one lock: exactly one wins, the other is told who', { skip }, async (t) => {
  const { a, b } = await twoHandles(t);
  const holder = (runId: string, pid: number) => ({ runId, user: `${runId}@example.com`, host: 'web1', pid, since: '2025-01-01T10:00:00.000Z', expiresAt: '2999-01-01T10:01:00.000Z' });
  for (let round = 0; round < 10; round += 1) {
    const key = `shop:env${round}`;
    const results = await Promise.all([a.acquireLock(key, holder(`a${round}`, 1)), b.acquireLock(key, holder(`b${round}`, 2))]);
    const winners = results.filter((r) => r.taken);
    assert.deepEqual(winners, [{ taken: true, generation: 1 }], `round ${round}: ${JSON.stringify(results)}`);
    const loser = results.find((r) => !r.taken);
    assert.deepEqual(await a.getLock(key), loser && !loser.taken ? loser.holder : 'no loser');
  }
});

test('postgres: markLive and inserts from two handles leave one live release and distinct seqs', { skip }, async (t) => {
  const { a, b } = await twoHandles(t);
  await Promise.all(['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((id, i) => (i % 2 ? a : b).insertRelease(release(id, { status: 'deploying' }))));
  assert.equal((await a.listReleases({ app: 'shop', env: 'production' })).length, 6);
  await Promise.all([a.markLive('r1', 'live'), b.markLive('r2', 'verified'), a.markLive('r3', 'live'), b.markLive('r4', 'live')]);
  const live = (await b.listReleases({ app: 'shop', env: 'production' })).filter((r) => r.status === 'live' || r.status === 'verified');
  assert.equal(live.length, 1);
});

test('postgres: a fresh database opened by two processes at once is migrated once', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const module = join(import.meta.dirname, '..', '..', 'src', 'ledger', 'postgres.ts');
  const script = `import { openPostgresLedger } from ${JSON.stringify(module)};
const ledger = await openPostgresLedger(process.argv[1]);
await ledger.appendAudit({ at: new Date().toISOString(), actor: 'p' + process.pid, action: 'opened', app: 'shop', env: null, runId: null, outcome: 'ok', detail: {} });
await ledger.close();`;
  const open = () => promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, url], { timeout: 30_000 });
  await Promise.all([open(), open(), open()]);
  const ledger = await openPostgresLedger(url);
  t.after(() => ledger.close());
  const audit = await ledger.listAudit();
  assert.equal(audit.length, 3);
  assert.equal(findChainBreak(audit), undefined);
  const applied = await withAdmin((client) => client.query<{ name: string }>('select name from kysely_migration order by name'), url);
  assert.deepEqual(applied.rows.map((r) => r.name), [...MIGRATION_NAMES]);
});

test('postgres: a database with a newer schema is refused and left alone', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const ledger = await openPostgresLedger(url);
  await ledger.insertRelease(release('r1'));
  await ledger.close();
  await withAdmin((client) => client.query("insert into kysely_migration (name, timestamp) values ('999_from_the_future', 'now')"), url);
  await assert.rejects(openPostgresLedger(url), rejectsWith('LEDGER_ERROR', /has schema 999_from_the_future, newer than this rewind knows.*upgrade rewind/));
  const rows = await withAdmin((client) => client.query('select id from releases'), url);
  assert.deepEqual(rows.rows, [{ id: 'r1' }]);
});

test('postgres: a writer waiting too long for another machine\'s writer fails with a clear reason', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const ledger = await openPostgresLedger(url, { lockTimeoutMs: 300 });
  t.after(() => ledger.close());
  const other = new pg.Client(url);
  other.on('error', () => undefined);
  await other.connect();
  t.after(() => other.end().catch(() => undefined));
  await other.query('begin');
  await other.query('select pg_advisory_xact_lock($1)', [LEDGER_WRITE_LOCK_KEY]);
  await assert.rejects(ledger.appendAudit(event(1)), rejectsWith('LEDGER_ERROR', /appendAudit failed: another writer held the ledger's write lock/));
  await other.query('rollback');
  assert.equal((await ledger.appendAudit(event(2))).seq, 1, 'nothing of the failed write was kept');
});

test('postgres: connection problems are one LEDGER_ERROR line naming the URL without its password', { skip }, async (t) => {
  const secret = 'Sup3r-S3cret-pw';
  const admin = new URL(databaseUrl('test'));
  const withParts = (user: string, port: string, db: string) => `postgres://${user}:${secret}@${admin.hostname}:${port}/${db}`;
  const cases = [
    { url: withParts('postgres', '1', 'test'), reason: /ECONNREFUSED/ },
    { url: withParts('postgres', admin.port || '5432', 'rewind_no_such_database'), reason: /database "rewind_no_such_database" does not exist/ },
    { url: withParts('rewind_no_such_role', admin.port || '5432', 'test'), reason: /role "rewind_no_such_role" does not exist|authentication failed/ },
  ];
  for (const { url, reason } of cases) {
    await assert.rejects(openPostgresLedger(url, { connectTimeoutMs: 3000 }), (error: unknown) => {
      rejectsWith('LEDGER_ERROR', reason)(error);
      const message = (error as Error).message;
      assert.equal(message.includes(secret), false, message);
      assert.equal(JSON.stringify((error as { details?: unknown }).details).includes(secret), false);
      assert.ok(message.includes(url.replace(secret, '***')), message);
      assert.equal(message.includes('\n'), false);
      return true;
    });
  }
  t.diagnostic('refused, unknown database and unknown role each named the URL without its password');
});
