import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { rewind } from '../helpers/cli.js';
import { postgresSkip, withAdmin, withTempDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';
import { release, run } from '../ledger/fixtures.js';

const skip = await postgresSkip();

const countRows = (url: string) => withAdmin(async (client) => {
  const counts: Record<string, number> = {};
  for (const table of ['releases', 'runs', 'steps', 'audit', 'pipeline_phases', 'pipeline_rollbacks', 'locks']) {
    counts[table] = (await client.query(`select count(*)::int as n from ${table}`)).rows[0].n;
  }
  return counts;
}, url);

test('ledger copy: a history made by the CLI reads the same from PostgreSQL as from SQLite', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => rewind(world.root, args, env);
  for (const version of ['v1', 'v2']) assert.equal((await cli(['deploy', version])).code, 0);
  assert.equal((await cli(['deploy', 'v3'])).code, 1, 'v3 fails and is rolled back automatically');
  assert.equal((await cli(['deploy', 'v3', '--no-auto-rollback'])).code, 1);
  assert.equal((await cli(['rollback', '--apply', '--yes'])).code, 0);

  const views = async (env: NodeJS.ProcessEnv = {}) => ({
    history: (await cli(['history', '--json'], env)).json(),
    status: (await cli(['status', '--json'], env)).json(),
    verify: (await cli(['audit', 'verify', '--json'], env)).json(),
    audit: (await cli(['audit', 'export', '--json'], env)).json(),
  });
  const onSqlite = await views();
  assert.equal(onSqlite.verify.ok, true);

  const copied = await cli(['ledger', 'copy', '--to', url, '--json']);
  assert.equal(copied.code, 0, copied.stderr);
  const doc = copied.json();
  assert.equal(doc.from, join(world.root, '.rewind', 'ledger.sqlite'));
  assert.equal(doc.audit_intact, true);
  assert.deepEqual(doc.copied, { releases: onSqlite.history.releases.length, runs: onSqlite.history.runs.length, steps: doc.copied.steps, audit: onSqlite.verify.entries, pipeline_phases: 0, pipeline_rollbacks: 0 });
  assert.ok(doc.copied.steps > 10, `steps: ${doc.copied.steps}`);
  assert.deepEqual(await countRows(url), { ...doc.copied, locks: 0 });

  await world.patchConfig('state:\n  dir: .rewind\n', 'state:\n  backend: postgres\n  dir: .rewind\n');
  const onPostgres = await views({ REWIND_DATABASE_URL: url });
  assert.deepEqual(onPostgres.history, onSqlite.history);
  assert.deepEqual(onPostgres.verify, onSqlite.verify);
  assert.deepEqual(onPostgres.audit, onSqlite.audit);
  // Health is measured afresh by each status: only its timings may differ.
  const stable = (status: unknown) => JSON.parse(JSON.stringify(status, (key, value) => (/^duration|durationMs$/.test(key) ? undefined : value)));
  assert.deepEqual(stable(onPostgres.status), stable(onSqlite.status));

  // The copy is a working ledger: the chain continues on PostgreSQL.
  assert.equal((await cli(['deploy', 'v1'], { REWIND_DATABASE_URL: url })).code, 0);
  assert.equal((await cli(['audit', 'verify'], { REWIND_DATABASE_URL: url })).code, 0);

  const again = await cli(['ledger', 'copy', '--to', url]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^rewind: ledger copy: postgres:\/\/\S+ already holds history \(\d+ releases, \d+ runs, \d+ steps, \d+ audit events\): a copy only fills an empty ledger, so two histories are never mixed; nothing was written\n$/);
});

test('ledger copy is all or nothing: a row PostgreSQL cannot store leaves the target empty', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const dir = await tempDir(t);
  const file = join(dir, 'ledger.sqlite');
  const ledger = await openSqliteLedger(file);
  await ledger.insertRelease(release('r1'));
  await ledger.insertRun(run('run1'));
  await ledger.startStep('run1', 0, 'switch', '2025-01-01T11:00:00.000Z');
  await ledger.appendAudit({ at: 'now', actor: 'x', action: 'a', app: 'shop', env: null, runId: null, outcome: 'ok', detail: {} });
  await ledger.close();
  // SQLite keeps a NUL character in text; PostgreSQL refuses it. The audit table is copied last.
  const raw = new BetterSqlite3(file);
  raw.prepare('update audit set actor = ?').run('x\u0000y');
  raw.close();

  const failed = await rewind(dir, ['ledger', 'copy', '--from', 'ledger.sqlite', '--to', url]);
  assert.equal(failed.code, 1, failed.stderr);
  assert.match(failed.stderr, /^rewind: ledger postgres:\/\/\S+: copying failed: .*0x00/);
  assert.deepEqual(await countRows(url), { releases: 0, runs: 0, steps: 0, audit: 0, pipeline_phases: 0, pipeline_rollbacks: 0, locks: 0 });
});

test('ledger copy refuses bad input with one line and exit 2, writing nothing', async (t) => {
  const dir = await tempDir(t);
  const env = { REWIND_DATABASE_URL: '' };
  const missing = await rewind(dir, ['ledger', 'copy', '--from', 'nope.sqlite', '--to', 'postgres://u:pw-secret-1@127.0.0.1:1/x'], env);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `rewind: ledger copy: there is no SQLite ledger at ${join(dir, 'nope.sqlite')}: name one with --from FILE\n`);

  const notPostgres = await rewind(dir, ['ledger', 'copy', '--from', 'x.sqlite', '--to', 'mysql://u:pw-secret-1@db/x'], env);
  assert.equal(notPostgres.code, 2);
  assert.equal(notPostgres.stderr, 'rewind: ledger copy: --to must be a postgres:// or postgresql:// URL, got mysql://u:***@db/x\n');

  const noTarget = await rewind(dir, ['ledger', 'copy', '--from', 'x.sqlite', '--json'], env);
  assert.equal(noTarget.code, 2);
  assert.equal(noTarget.json().error.code, 'USAGE');
  assert.match(noTarget.json().error.message, /ledger copy needs --to postgres:\/\//);

  const older = join(dir, 'old.sqlite');
  const raw = new BetterSqlite3(older);
  raw.exec("create table kysely_migration (name text primary key, timestamp text); insert into kysely_migration values ('001_initial', 'then')");
  raw.close();
  const refused = await rewind(dir, ['ledger', 'copy', '--from', older, '--to', 'postgres://u@127.0.0.1:1/x'], env);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /old\.sqlite has schema 001_initial, older than this rewind's \d{3}_\w+: open it once with this rewind/);
});
