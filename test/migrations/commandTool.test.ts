import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrationsSchema } from '../../src/config/schema/migrations.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import { createMigrationTool } from '../../src/migrations/index.js';
import { withTempDatabase } from '../helpers/appDatabase.js';
import { tempDir } from '../helpers/tmp.js';
import { REPO_NODE_MODULES, writeFiles } from './fixtures.js';

/** A stand-in for "any other tool": keeps its own table, reads DATABASE_URL like most tools do. */
const TOOL = `'use strict';
const { Client } = require(${JSON.stringify(join(REPO_NODE_MODULES, 'pg'))});
const fs = require('node:fs');
const [command, id] = process.argv.slice(2);
(async () => {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query('create table if not exists my_migrations (id text primary key)');
  const applied = (await c.query('select id from my_migrations order by id')).rows.map((r) => r.id);
  if (command === 'status') console.log(applied.join('\\n'));
  if (command === 'up') {
    for (const file of fs.readdirSync('sql').filter((f) => !f.endsWith('.down.sql')).sort()) {
      const name = file.replace(/\\.sql$/, '');
      if (applied.includes(name)) continue;
      await c.query(fs.readFileSync('sql/' + file, 'utf8'));
      await c.query('insert into my_migrations values ($1)', [name]);
    }
  }
  if (command === 'down') {
    await c.query(fs.readFileSync('sql/' + id + '.down.sql', 'utf8'));
    await c.query('delete from my_migrations where id = $1', [id]);
  }
  await c.end();
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

test('command tool: status, up and down commands run in the release dir with the database URL', async (t) => {
  const db = await withTempDatabase(t);
  if (!db) return;
  const release = await tempDir(t);
  await writeFiles(release, {
    'tool.cjs': TOOL,
    'sql/001_items.sql': 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);',
    'sql/001_items.down.sql': 'DROP TABLE items;',
    'sql/002_add_note.sql': '-- rewind: manual\nALTER TABLE items ADD COLUMN note text;',
    'sql/002_add_note.down.sql': 'ALTER TABLE items DROP COLUMN note;',
  });
  const node = process.execPath;
  const config = migrationsSchema.parse({
    tool: 'command', dir: 'sql',
    status: [node, 'tool.cjs', 'status'], up: [node, 'tool.cjs', 'up'], down: [node, '{release_dir}/tool.cjs', 'down', '{migration}'],
  });
  const tool = createMigrationTool(config, { exec: createLocalExec({ secrets: [db.url] }), files: createGuardedFiles([release]) }, { DATABASE_URL: db.url });
  assert.deepEqual(await tool.migrate(release), ['001_items', '002_add_note']);
  assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
  const source = await tool.source('002_add_note', release);
  assert.equal(source.down, 'ALTER TABLE items DROP COLUMN note;');
  assert.match(source.markerText, /rewind: manual/);
  await tool.revert('002_add_note', release);
  assert.deepEqual(await db.columns('items'), ['id', 'name']);
  assert.deepEqual(await tool.applied(release), ['001_items']);
});

test('command tool: the schema wants status, up and a down naming {migration}', () => {
  const result = migrationsSchema.safeParse({ tool: 'command', status: ['x'], up: ['y'], down: ['z', 'down'] });
  assert.equal(result.success, false);
  assert.match(JSON.stringify(result.error?.issues), /down must name the migration to revert with \{migration\}/);
  const missing = migrationsSchema.safeParse({ tool: 'command' });
  assert.match(JSON.stringify(missing.error?.issues), /tool \\"command\\" needs status/);
});
