import assert from 'node:assert/strict';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { rewind } from '../helpers/cli.js';
import { startReceiver } from '../notify/receiver.js';
import { makeMigrationWorld, type AppVersion } from '../helpers/migrationWorld.js';
import { SQL_MIGRATIONS } from '../migrations/fixtures.js';

const V1: AppVersion = { version: 'v1', broken: false, files: { ...SQL_MIGRATIONS['001_items'] } };
/** v2 adds a NOT NULL column v1's code does not fill in, and its own health check fails. */
const v2 = (files: Record<string, string> = {}): AppVersion => ({ version: 'v2', broken: true, knowsNote: true, files: { ...V1.files, ...SQL_MIGRATIONS['002_add_note'], ...files } });

test('sql migrations: a rollback reverts the column the old code does not know, and the old code is healthy', async (t) => {
  const world = await makeMigrationWorld(t, 'sql', [V1, v2()]);
  if (!world) return;
  const { cli, db } = world;

  await t.test('each deploy records the migrations it applied', async () => {
    const first = await cli('deploy', 'v1', '--json');
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.deepEqual(first.json().release.migrations, ['001_items']);
    const second = await cli('deploy', 'v2', '--no-auto-rollback', '--json');
    assert.equal(second.code, 1);
    assert.deepEqual(second.json().release.migrations, ['002_add_note']);
    assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
    assert.equal(await world.current(), 'releases/v2');
  });

  await t.test('the plan lists the migration with the data its down step loses: high risk, approval needed', async () => {
    const planned = await cli('rollback', '--json');
    assert.equal(planned.code, 0, planned.stderr);
    const { plan, files } = planned.json();
    assert.deepEqual(plan.migrations, [{ id: '002_add_note', appliedBy: 'v2', reversibility: 'auto', dataLoss: ['DROP COLUMN items.note'], downPath: 'db/migrations/002_add_note.down.sql' }]);
    assert.equal(plan.riskLevel, 'high');
    assert.equal(plan.approvalRequired, true);
    const md = await readFile(files.plan_md, 'utf8');
    assert.match(md, /\| 002_add_note \| v2 \| auto \| DROP COLUMN items\.note \| db\/migrations\/002_add_note\.down\.sql \|/);
    assert.ok(!md.includes(db.url), 'the database URL stays out of plans');
  });

  await t.test('a saved plan is stale once the applied migrations change: refused, exit 2', async () => {
    const runId = (await cli('rollback', '--json')).json().run_id as string;
    // Someone reverts 002 by hand meanwhile: the plan would revert what is no longer there.
    const [row] = await db.query("select seq, applied_at::text as at from rewind_migrations where id = '002_add_note'");
    assert.ok(row, '002_add_note is recorded as applied');
    await db.query("delete from rewind_migrations where id = '002_add_note'");
    try {
      const refused = await cli('rollback', '--apply', '--yes', '--auto-approve', '--run', runId);
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /stale: the migrations to revert changed since it was made: it reverts 002_add_note, now none would be/);
      assert.equal(await world.current(), 'releases/v2');
    } finally {
      await db.query(`insert into rewind_migrations (seq, id, applied_at) values (${Number(row.seq)}, '002_add_note', '${String(row.at)}')`);
    }
  });

  await t.test('without approval the rollback is blocked (exit 3) and nothing changes', async () => {
    const blocked = await cli('rollback', '--apply', '--yes');
    assert.equal(blocked.code, 3, blocked.stderr);
    assert.match(blocked.stderr, /needs approval/);
    assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
    assert.equal(await world.current(), 'releases/v2');
  });

  await t.test('a drill says what it would revert and reverts nothing', async () => {
    const drill = await cli('rollback', '--dry-run', '--json');
    assert.equal(drill.code, 0, drill.stdout + drill.stderr);
    const step = drill.json().steps.find((s: any) => s.name === 'revert migration 002_add_note');
    assert.match(step.detail, /would revert 002_add_note with v2's db\/migrations\/002_add_note\.down\.sql, losing DROP COLUMN items\.note/);
    assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  });

  await t.test('without the database URL variable: one line naming it, exit 2, nothing planned', async () => {
    const before = (await cli('history', '--json')).json().runs.length;
    const missing = await rewind(world.root, ['rollback'], { DATABASE_URL: '' });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /migrations\.database_url_env: the variable DATABASE_URL is not set/);
    const deploy = await rewind(world.root, ['deploy', 'v1'], { DATABASE_URL: '' });
    assert.equal(deploy.code, 2);
    assert.equal((await cli('history', '--json')).json().runs.length, before);
  });

  await t.test('approved, the down step runs with v2\'s code before the switch; v1 ends healthy', async () => {
    const applied = await cli('rollback', '--apply', '--yes', '--auto-approve', '--json');
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const doc = applied.json();
    assert.deepEqual(doc.steps.map((s: any) => s.name).slice(0, 4), ['capture diagnostics of v2', 'check v1 is present', 'revert migration 002_add_note', 'switch to v1']);
    assert.deepEqual(await db.columns('items'), ['id', 'name']);
    assert.deepEqual((await db.query('select id from rewind_migrations order by seq')).map((r) => r.id), ['001_items']);
    assert.equal(await world.current(), 'releases/v1');
    const served = await world.served();
    assert.equal(served?.http, 200, served?.error);
    assert.equal(served?.version, 'v1');
    const summary = JSON.parse(await readFile(doc.files.summary_json, 'utf8'));
    assert.deepEqual(summary.migrations.reverted, ['002_add_note']);
    const report = await readFile(doc.files.report_md, 'utf8');
    assert.match(report, /## Migrations/);
    assert.match(report, /- reverted: 002_add_note/);
    for (const file of [doc.files.report_md, doc.files.summary_json, doc.files.plan_json]) {
      assert.ok(!(await readFile(file, 'utf8')).includes(db.url), `${file} must not hold the database URL`);
    }
    assert.ok(!JSON.stringify(await auditEvents(world.root)).includes(db.url), 'the audit log must not hold the database URL');
  });
});

test('sql migrations: a manual migration pauses the run before the switch; resume --yes continues it', async (t) => {
  const world = await makeMigrationWorld(t, 'sql', [V1, v2({ 'db/migrations/002_add_note.sql': `-- rewind: manual\n${SQL_MIGRATIONS['002_add_note']['db/migrations/002_add_note.sql']}` })]);
  if (!world) return;
  const { cli, db } = world;
  const hook = await startReceiver(t);
  await appendFile(join(world.root, 'rewind.yaml'), `    notify:\n      - { type: webhook, url: "${hook.origin}/hook", events: [rollback.paused] }\n`);
  assert.equal((await cli('deploy', 'v1')).code, 0);
  assert.equal((await cli('deploy', 'v2', '--no-auto-rollback')).code, 1);

  const paused = await cli('rollback', '--apply', '--yes', '--auto-approve');
  assert.equal(paused.code, 3, paused.stdout + paused.stderr);
  assert.match(paused.stdout, /PAUSED before the switch/);
  const runId = /rewind resume (\S+?)`/.exec(paused.stdout)?.[1] ?? '';
  assert.match(paused.stdout, /migration 002_add_note must be reverted by an operator: apply its down step \(.*releases\/v2\/db\/migrations\/002_add_note\.down\.sql\)/);
  const history = (await cli('history', '--json')).json();
  assert.equal(history.runs.find((r: any) => r.run_id === runId)?.status, 'paused');
  assert.equal(await world.current(), 'releases/v2');
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  // Whoever is on call hears that an operator must act, and what to run after.
  const notices = hook.received.map((r) => r.body as { event: string; severity: string; status: string; message: string });
  assert.deepEqual(notices.map((n) => [n.event, n.severity, n.status]), [['rollback.paused', 'critical', 'paused']]);
  assert.match(notices[0]?.message ?? "", new RegExp(`002_add_note must be reverted by an operator.*rewind resume ${runId}`));

  // The operator does it by hand.
  await db.query('ALTER TABLE items DROP COLUMN note');
  const unconfirmed = await cli('resume', runId);
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.stderr, /pass --yes/);

  const resumed = await cli('resume', runId, '--yes', '--json');
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(resumed.json().ok, true);
  assert.deepEqual((await db.query('select id from rewind_migrations order by seq')).map((r) => r.id), ['001_items']);
  assert.equal(await world.current(), 'releases/v1');
  assert.equal((await world.served())?.version, 'v1');
  const confirmed = (await auditEvents(world.root)).find((e) => e.action === 'rollback.manual_step_confirmed');
  assert.equal(confirmed?.runId, runId);
  assert.equal(confirmed?.detail.confirmed_by, 'tester@example.com');
  assert.equal(confirmed?.detail.step, 'operator reverts migration 002_add_note');
});

test('sql migrations: an irreversible migration refuses the rollback before anything is touched', async (t) => {
  const world = await makeMigrationWorld(t, 'sql', [V1, v2({ 'db/migrations/002_add_note.down.sql': '-- rewind: irreversible\nALTER TABLE items DROP COLUMN note;\n' })]);
  if (!world) return;
  const { cli, db } = world;
  assert.equal((await cli('deploy', 'v1')).code, 0);
  assert.equal((await cli('deploy', 'v2', '--no-auto-rollback')).code, 1);
  const refused = await cli('rollback', '--apply', '--yes', '--auto-approve');
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /002_add_note is irreversible: .*only a forward fix is possible/);
  assert.equal(await world.current(), 'releases/v2');
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  const runs = (await cli('history', '--json')).json().runs;
  assert.deepEqual(runs.filter((r: any) => r.kind === 'rollback'), [], 'no rollback run is left to carry out');
});

test('sql migrations: a failing down step stops the run before the switch and says what is applied now', async (t) => {
  const failing = v2({
    'db/migrations/002_add_note.down.sql': 'ALTER TABLE items DROP COLUMN note;\nALTER TABLE no_such_table DROP COLUMN x;\n',
    'db/migrations/003_add_flag.sql': 'ALTER TABLE items ADD COLUMN flag boolean;\n',
    'db/migrations/003_add_flag.down.sql': 'ALTER TABLE items DROP COLUMN flag;\n',
  });
  const world = await makeMigrationWorld(t, 'sql', [V1, failing]);
  if (!world) return;
  const { cli, db } = world;
  assert.equal((await cli('deploy', 'v1')).code, 0);
  assert.equal((await cli('deploy', 'v2', '--no-auto-rollback')).code, 1);
  const failed = await cli('rollback', '--apply', '--yes', '--auto-approve', '--json');
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  const doc = failed.json();
  assert.equal(doc.error.code, 'MIGRATION_FAILED');
  assert.match(doc.error.message, /down step of 002_add_note failed: relation "no_such_table" does not exist; nothing was switched; applied now: 001_items, 002_add_note/);
  assert.equal(await world.current(), 'releases/v2');
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  const summary = JSON.parse(await readFile(doc.files.summary_json, 'utf8'));
  assert.deepEqual(summary.migrations.reverted, ['003_add_flag']);
  assert.deepEqual(summary.migrations.applied_now, ['001_items', '002_add_note']);
  assert.match(await readFile(doc.files.report_md, 'utf8'), /applied in the database now: 001_items, 002_add_note/);
});

async function auditEvents(root: string) {
  const ledger = await openSqliteLedger(join(root, '.rewind', 'ledger.sqlite'));
  try {
    return await ledger.listAudit();
  } finally {
    await ledger.close();
  }
}

test('sql migrations: a deploy whose migration fails never switches, and records the ones that went in', async (t) => {
  const bad: AppVersion = { ...V1, files: { ...V1.files, 'db/migrations/002_bad.sql': 'SELECT no_such_function();\n', 'db/migrations/002_bad.down.sql': 'SELECT 1;\n' } };
  const world = await makeMigrationWorld(t, 'sql', [bad]);
  if (!world) return;
  const deployed = await world.cli('deploy', 'v1', '--json');
  assert.equal(deployed.code, 1);
  const doc = deployed.json();
  assert.equal(doc.error.code, 'MIGRATION_FAILED');
  assert.match(doc.error.message, /migration 002_bad failed: function no_such_function\(\) does not exist/);
  assert.deepEqual(doc.release.migrations, ['001_items']);
  assert.equal(doc.release.status, 'failed');
  assert.equal(await world.current(), undefined);
});
