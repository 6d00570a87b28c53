import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, NO_MIGRATIONS, SqliteDialect } from 'kysely';
import { appliedMigrations, migrateLedger } from '../../src/ledger/migrate.js';
import { LATEST_MIGRATION, MIGRATION_NAMES, staticMigrationProvider } from '../../src/ledger/migrations/index.js';
import { releaseToRow } from '../../src/ledger/rows.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import type { Database } from '../../src/ledger/tables.js';
import { tempDir } from '../helpers/tmp.js';
import { rejectsWith } from './contract.js';
import { release } from './fixtures.js';

function kyselyOver(file: string): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
}

function tableNames(file: string): string[] {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    return (raw.prepare("select name from sqlite_master where type in ('table', 'index') order by name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    raw.close();
  }
}

test('migrations are numbered and at least two', () => {
  assert.ok(MIGRATION_NAMES.length >= 2);
  assert.equal(MIGRATION_NAMES[0], '001_initial');
  assert.equal(LATEST_MIGRATION, MIGRATION_NAMES[MIGRATION_NAMES.length - 1]);
  for (const name of MIGRATION_NAMES) assert.match(name, /^\d{3}_[a-z_]+$/);
});

test('a new file gets every migration', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const ledger = await openSqliteLedger(file);
  await ledger.close();
  const db = kyselyOver(file);
  t.after(() => db.destroy());
  assert.deepEqual(await appliedMigrations(db), [...MIGRATION_NAMES]);
  const names = tableNames(file);
  for (const name of ['releases', 'runs', 'steps', 'audit', 'releases_app_env_seq', 'runs_app_env_seq', 'audit_app_env_seq', 'pipeline_phases', 'pipeline_rollbacks']) {
    assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
  }
});

test('a file made at migration 001 is upgraded in place and keeps its data', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const old = kyselyOver(file);
  await migrateLedger(old, file, '001_initial');
  const kept = release('r-old', { status: 'verified', migrations: ['001_users'], verifiedAt: '2025-01-01T10:01:00.000Z' });
  // A 001 file has no activated_at column (migration 003 adds it).
  const { activated_at: _notYet, ...row001 } = releaseToRow(kept, 1);
  await old.insertInto('releases').values(row001).execute();
  await old.destroy();
  assert.equal(tableNames(file).includes('audit'), false, 'the 001 file should not have the audit table yet');

  const ledger = await openSqliteLedger(file);
  t.after(() => ledger.close());
  // 003 backfills: a release that was verified counts as activated when it was deployed.
  assert.deepEqual(await ledger.getRelease('r-old'), { ...kept, activatedAt: kept.deployedAt });
  const entry = await ledger.appendAudit({ at: 'now', actor: 'x', action: 'upgrade', app: 'shop', env: null, runId: null, outcome: 'ok', detail: {} });
  // 009 recorded the release already there as entry 1, its baseline.
  assert.equal(entry.seq, 2);
  const baseline = (await ledger.listAudit())[1]!;
  assert.deepEqual([baseline.seq, baseline.action, baseline.detail.release_id, baseline.detail.status, baseline.detail.baseline], [1, 'release.state', 'r-old', 'verified', true]);
  await ledger.insertRelease(release('r-new'));
  assert.deepEqual((await ledger.listReleases({ app: 'shop', env: 'production' })).map((r) => r.id), ['r-new', 'r-old']);
  assert.ok(tableNames(file).includes('releases_app_env_seq'));

  const check = kyselyOver(file);
  t.after(() => check.destroy());
  assert.deepEqual(await appliedMigrations(check), [...MIGRATION_NAMES]);
});

test('a file with a schema newer than this code knows is refused and left alone', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const ledger = await openSqliteLedger(file);
  await ledger.insertRelease(release('r1'));
  await ledger.close();
  const raw = new BetterSqlite3(file);
  raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('999_from_the_future', new Date().toISOString());
  raw.close();

  await assert.rejects(openSqliteLedger(file), (error: unknown) => {
    rejectsWith('LEDGER_ERROR', /999_from_the_future/)(error);
    const message = (error as Error).message;
    assert.ok(message.includes(file), message);
    assert.match(message, /newer than this rewind knows/);
    return true;
  });
  const check = kyselyOver(file);
  t.after(() => check.destroy());
  assert.deepEqual(await appliedMigrations(check), [...MIGRATION_NAMES, '999_from_the_future']);
  assert.equal((await check.selectFrom('releases').select('id').execute()).length, 1);
});

test('every migration can be undone', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const db = kyselyOver(file);
  t.after(() => db.destroy());
  await migrateLedger(db, file);
  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo(NO_MIGRATIONS);
  assert.equal(error, undefined);
  assert.deepEqual(await appliedMigrations(db), []);
  const left = tableNames(file).filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_'));
  assert.deepEqual(left, []);
});

test('a file made at migration 006 keeps its held lock, at generation 0; the next acquisition is generation 1', async (t) => {
  const file = join(await tempDir(t), 'ledger.db');
  const old = kyselyOver(file);
  await migrateLedger(old, file, '006_step_ids');
  await (old as Kysely<any>).insertInto('locks').values({
    key: 'shop:production', run_id: 'run-old', user: 'alice', host: 'web1', pid: 7, since: '2025-01-01T10:00:00.000Z', expires_at: '2025-01-01T10:01:00.000Z',
  }).execute();
  await old.destroy();

  const ledger = await openSqliteLedger(file);
  t.after(() => ledger.close());
  assert.equal((await ledger.getLock('shop:production'))?.generation, 0);
  const holder = { runId: 'run-new', user: 'bob', host: 'web2', pid: 8, since: '2025-01-01T11:00:00.000Z', expiresAt: '2025-01-01T11:01:00.000Z' };
  assert.deepEqual(await ledger.acquireLock('shop:production', holder, { runId: 'run-old', generation: 0 }), { taken: true, generation: 1 });
});
