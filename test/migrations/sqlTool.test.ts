import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createMigrationTool } from '../../src/migrations/index.js';
import { withTempDatabase } from '../helpers/appDatabase.js';
import { tempDir } from '../helpers/tmp.js';
import { SQL_MIGRATIONS, writeFiles } from './fixtures.js';

const config = { tool: 'sql' as const, dir: 'db/migrations', database_url_env: 'APP_DB', reversibility: 'auto' as const, overrides: {} };

async function setUp(t: import('node:test').TestContext) {
  const db = await withTempDatabase(t);
  if (!db) return undefined;
  const release = await tempDir(t);
  await writeFiles(release, { ...SQL_MIGRATIONS['001_items'], ...SQL_MIGRATIONS['002_add_note'] });
  const files = createGuardedFiles([release]);
  const tool = createMigrationTool(config, { exec: { run: () => Promise.reject(new Error('the sql tool runs no process')) }, files }, { APP_DB: db.url });
  return { db, release, tool };
}

test('sql tool: applies pending files in order, each recorded, and only once', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  assert.deepEqual(await s.tool.applied(s.release), []);
  assert.deepEqual(await s.tool.migrate(s.release), ['001_items', '002_add_note']);
  assert.deepEqual(await s.tool.applied(s.release), ['001_items', '002_add_note']);
  assert.deepEqual(await s.db.columns('items'), ['id', 'name', 'note']);
  assert.deepEqual(await s.tool.migrate(s.release), []);
});

test('sql tool: reverts one migration with its down file, in a transaction with its record', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  await s.tool.migrate(s.release);
  await s.tool.revert('002_add_note', s.release);
  assert.deepEqual(await s.db.columns('items'), ['id', 'name']);
  assert.deepEqual(await s.tool.applied(s.release), ['001_items']);
});

test('sql tool: a failing down step changes nothing and the migration stays applied', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  await s.tool.migrate(s.release);
  await writeFiles(s.release, { 'db/migrations/002_add_note.down.sql': 'ALTER TABLE items DROP COLUMN note;\nALTER TABLE no_such_table DROP COLUMN x;\n' });
  await assert.rejects(s.tool.revert('002_add_note', s.release), (error: unknown) => {
    assert.ok(error instanceof RewindError);
    assert.equal(error.code, 'MIGRATION_FAILED');
    assert.match(error.message, /down step of 002_add_note failed: relation "no_such_table" does not exist/);
    return true;
  });
  assert.deepEqual(await s.db.columns('items'), ['id', 'name', 'note']);
  assert.deepEqual(await s.tool.applied(s.release), ['001_items', '002_add_note']);
});

test('sql tool: a failing up file stops there; the files before it stay applied', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  await writeFiles(s.release, { 'db/migrations/003_bad.sql': 'CREATE TABLE t3 (id int);\nSELECT no_such_function();\n', 'db/migrations/003_bad.down.sql': 'DROP TABLE t3;\n' });
  await assert.rejects(s.tool.migrate(s.release), /migration 003_bad failed: function no_such_function\(\) does not exist \(applied by this deploy before it: 001_items, 002_add_note\)/);
  assert.deepEqual(await s.tool.applied(s.release), ['001_items', '002_add_note']);
  assert.deepEqual(await s.db.columns('t3'), []);
});

test('sql tool: reads a migration\'s down step and markers; forgets an id an operator reverted', async (t) => {
  const s = await setUp(t);
  if (!s) return;
  await writeFiles(s.release, { 'db/migrations/003_x.sql': '-- rewind: manual\nCREATE TABLE t3 (id int);\n' });
  const source = await s.tool.source('002_add_note', s.release);
  assert.equal(source.down, 'ALTER TABLE items DROP COLUMN note;\n');
  assert.equal(source.downPath, 'db/migrations/002_add_note.down.sql');
  const manual = await s.tool.source('003_x', s.release);
  assert.equal(manual.down, null);
  assert.match(manual.markerText, /rewind: manual/);
  await s.tool.migrate(s.release);
  await s.tool.forget('003_x');
  assert.deepEqual(await s.tool.applied(s.release), ['001_items', '002_add_note']);
});

test('sql tool: without its database URL variable it says which variable is missing', async (t) => {
  const release = await tempDir(t);
  const tool = createMigrationTool(config, { exec: { run: () => Promise.reject(new Error('unused')) }, files: createGuardedFiles([release]) }, {});
  assert.throws(() => tool.assertUsable(), /migrations.database_url_env: the variable APP_DB is not set/);
  await assert.rejects(tool.applied(release), (error: unknown) => error instanceof RewindError && error.code === 'MIGRATIONS_MISCONFIGURED' && error.exitCode === 2);
});
