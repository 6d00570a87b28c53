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
  assert.deepEqual(applied.json().steps.map((s: any) => s.name).slice(1, 3), [`revert migration ${NOTE}`, 'switch to v1']);
  assert.deepEqual(await db.columns('items'), ['id', 'name']);
  assert.deepEqual((await db.query('select name from knex_migrations order by id')).map((r) => r.name), [`${ITEMS}.js`]);
  assert.equal(await world.current(), 'releases/v1');
  const served = await world.served();
  assert.equal(served?.http, 200, served?.error);
  assert.equal(served?.version, 'v1');
});
