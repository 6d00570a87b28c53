import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMigrationTool } from '../../src/migrations/index.js';
import { withTempDatabase } from '../helpers/appDatabase.js';
import { connectTo, sshdSkipReason, startSshd } from '../helpers/sshd.js';
import { KNEX_MIGRATIONS, knexRelease, SQL_MIGRATIONS, writeFiles } from './fixtures.js';

const skip = sshdSkipReason();

/**
 * On a remote environment migrations run once, through the first host: the
 * sql tool reads the release's files there over SFTP and connects to the
 * database from here; knex runs on the host, in the release dir. The sshd
 * runs on this machine, so the "remote" release dir is a local temp dir too.
 */
test('sql tool through an SSH host: the files are read on the host, applied and reverted here', { skip }, async (t) => {
  const db = await withTempDatabase(t);
  if (!db) return;
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const release = join(sshd.dir, 'srv', 'releases', 'v2');
  await writeFiles(release, { ...SQL_MIGRATIONS['001_items'], ...SQL_MIGRATIONS['002_add_note'] });
  const config = { tool: 'sql' as const, dir: 'db/migrations', database_url_env: 'APP_DB', reversibility: 'auto' as const, overrides: {} };
  const tool = createMigrationTool(config, { exec: host.exec, files: host.files([join(sshd.dir, 'srv')]) }, { APP_DB: db.url });
  assert.deepEqual(await tool.migrate(release), ['001_items', '002_add_note']);
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  const source = await tool.source('002_add_note', release);
  assert.equal(source.down, SQL_MIGRATIONS['002_add_note']['db/migrations/002_add_note.down.sql']);
  await tool.revert('002_add_note', release);
  assert.deepEqual(await db.columns('items'), ['id', 'name']);
  assert.deepEqual(await tool.applied(release), ['001_items']);
});

test('knex tool through an SSH host: knex runs on the host, in the release dir, with the URL in its environment', { skip }, async (t) => {
  const db = await withTempDatabase(t);
  if (!db) return;
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const release = join(sshd.dir, 'srv', 'releases', 'v2');
  await knexRelease(release, { ...KNEX_MIGRATIONS['20260101000001_items'], ...KNEX_MIGRATIONS['20260101000002_add_note'] });
  const config = { tool: 'knex' as const, dir: 'migrations', database_url_env: 'DATABASE_URL', reversibility: 'auto' as const, overrides: {} };
  const tool = createMigrationTool(config, { exec: host.exec, files: host.files([join(sshd.dir, 'srv')]) }, { DATABASE_URL: db.url });
  assert.deepEqual(await tool.migrate(release), ['20260101000001_items', '20260101000002_add_note']);
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  await tool.revert('20260101000002_add_note', release);
  assert.deepEqual(await db.columns('items'), ['id', 'name']);
  assert.deepEqual(await tool.applied(release), ['20260101000001_items']);
});
