import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeMigrationWorld, type AppVersion } from '../helpers/migrationWorld.js';
import { KNEX_MIGRATIONS } from '../migrations/fixtures.js';

const ITEMS = '20260101000001_items';
const NOTE = '20260101000002_add_note';
const V1: AppVersion = { version: 'v1', broken: false, files: { ...KNEX_MIGRATIONS[ITEMS] } };
const V2: AppVersion = { version: 'v2', broken: true, knowsNote: true, files: { ...V1.files, ...KNEX_MIGRATIONS[NOTE] } };

test('knex migrations: the release\'s own knex reverts the column before the switch, and the old code is healthy', async (t) => {
  const world = await makeMigrationWorld(t, 'knex', [V1, V2]);
  if (!world) return;
  const { cli, db } = world;
  const first = await cli('deploy', 'v1', '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.deepEqual(first.json().release.migrations, [ITEMS]);
  const second = await cli('deploy', 'v2', '--no-auto-rollback', '--json');
  assert.equal(second.code, 1);
  assert.deepEqual(second.json().release.migrations, [NOTE]);
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);

  const planned = (await cli('rollback', '--json')).json();
  assert.deepEqual(planned.plan.migrations, [{ id: NOTE, appliedBy: 'v2', reversibility: 'auto', dataLoss: ['DROP COLUMN items.note'], downPath: `migrations/${NOTE}.js` }]);
  assert.equal(planned.plan.riskLevel, 'high');

  const applied = await cli('rollback', '--apply', '--yes', '--auto-approve', '--json');
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.deepEqual(applied.json().steps.map((s: any) => s.name).slice(2, 4), [`revert migration ${NOTE}`, 'switch to v1']);
  assert.deepEqual(await db.columns('items'), ['id', 'name']);
  assert.deepEqual((await db.query('select name from knex_migrations order by id')).map((r) => r.name), [`${ITEMS}.js`]);
  assert.equal(await world.current(), 'releases/v1');
  const served = await world.served();
  assert.equal(served?.http, 200, served?.error);
  assert.equal(served?.version, 'v1');
});

/** v2 with its knex migration file changed: a marker, or a down function that fails. */
const v2With = (file: string): AppVersion => ({ ...V2, files: { ...V2.files, [`migrations/${NOTE}.js`]: file } });
const NOTE_FILE = KNEX_MIGRATIONS[NOTE][`migrations/${NOTE}.js`];

async function deployed(world: NonNullable<Awaited<ReturnType<typeof makeMigrationWorld>>>): Promise<void> {
  assert.equal((await world.cli('deploy', 'v1')).code, 0);
  assert.equal((await world.cli('deploy', 'v2', '--no-auto-rollback')).code, 1);
  assert.equal(await world.current(), 'releases/v2');
}

test('knex migrations: a manual one pauses the run before the switch; after the operator, resume --yes finishes it', async (t) => {
  const world = await makeMigrationWorld(t, 'knex', [V1, v2With(`// rewind: manual\n${NOTE_FILE}`)]);
  if (!world) return;
  const { cli, db } = world;
  await deployed(world);
  const paused = await cli('rollback', '--apply', '--yes', '--auto-approve');
  assert.equal(paused.code, 3, paused.stdout + paused.stderr);
  assert.match(paused.stdout, new RegExp(`migration ${NOTE} must be reverted by an operator`));
  const runId = /rewind resume (\S+?)`/.exec(paused.stdout)?.[1] ?? '';
  assert.equal(await world.current(), 'releases/v2');
  // The operator reverts it with knex's own bookkeeping, then confirms.
  await db.query('ALTER TABLE items DROP COLUMN note');
  await db.query('DELETE FROM knex_migrations WHERE name = $1', [`${NOTE}.js`]);
  const resumed = await cli('resume', runId, '--yes');
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(await world.current(), 'releases/v1');
  assert.equal((await world.served())?.version, 'v1');
});

test('knex migrations: an irreversible one refuses the rollback before anything is touched', async (t) => {
  const world = await makeMigrationWorld(t, 'knex', [V1, v2With(`// rewind: irreversible\n${NOTE_FILE}`)]);
  if (!world) return;
  await deployed(world);
  const refused = await world.cli('rollback', '--apply', '--yes', '--auto-approve');
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, new RegExp(`${NOTE} is irreversible: .*only a forward fix is possible`));
  assert.equal(await world.current(), 'releases/v2');
  assert.deepEqual(await world.db.columns('items'), ['id', 'name', 'note']);
});

test('knex migrations: a failing down function stops the run before the switch and says what is applied now', async (t) => {
  const failing = NOTE_FILE.replace(/exports\.down = .*\n/, "exports.down = (knex) => knex.raw('ALTER TABLE no_such_table DROP COLUMN x');\n");
  const world = await makeMigrationWorld(t, 'knex', [V1, v2With(failing)]);
  if (!world) return;
  await deployed(world);
  const failed = await world.cli('rollback', '--apply', '--yes', '--auto-approve', '--json');
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  const doc = failed.json();
  assert.equal(doc.error.code, 'MIGRATION_FAILED');
  assert.match(doc.error.message, new RegExp(`nothing was switched; applied now: ${ITEMS}, ${NOTE}`));
  assert.equal(await world.current(), 'releases/v2');
  assert.deepEqual(await world.db.columns('items'), ['id', 'name', 'note']);
});
