import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import { createMigrationTool } from '../../src/migrations/index.js';
import { withTempDatabase } from '../helpers/appDatabase.js';
import { tempDir } from '../helpers/tmp.js';
import { KNEX_MIGRATIONS, knexRelease, writeFiles } from './fixtures.js';

const config = { tool: 'knex' as const, dir: 'migrations', database_url_env: 'DATABASE_URL', reversibility: 'auto' as const, overrides: {} };
const ITEMS = '20260101000001_items';
const NOTE = '20260101000002_add_note';

test('knex tool: the release\'s own knex applies and reverts; knex\'s table says what is applied', async (t) => {
  const db = await withTempDatabase(t);
  if (!db) return;
  const release = await tempDir(t);
  await knexRelease(release, { ...KNEX_MIGRATIONS[ITEMS], ...KNEX_MIGRATIONS[NOTE] });
  const tool = createMigrationTool(config, { exec: createLocalExec({ secrets: [db.url] }), files: createGuardedFiles([release]) }, { DATABASE_URL: db.url });

  await t.test('migrate applies both, in order', async () => {
    assert.deepEqual(await tool.applied(release), []);
    assert.deepEqual(await tool.migrate(release), [ITEMS, NOTE]);
    assert.deepEqual(await db.columns('items'), ['id', 'name', 'note']);
    assert.deepEqual(await tool.migrate(release), []);
  });

  await t.test('the down function is read, with what it drops', async () => {
    const source = await tool.source(NOTE, release);
    assert.equal(source.language, 'js');
    assert.match(source.down ?? '', /^exports\.down = .*dropColumn\('note'\)/);
    assert.equal(source.downPath, `migrations/${NOTE}.js`);
  });

  await t.test('revert runs migrate:down for that one file', async () => {
    await tool.revert(NOTE, release);
    assert.deepEqual(await db.columns('items'), ['id', 'name']);
    assert.deepEqual(await tool.applied(release), [ITEMS]);
  });

  await t.test('a failing down function is a MIGRATION_FAILED naming knex\'s error', async () => {
    await tool.migrate(release);
    await writeFiles(release, { [`migrations/${NOTE}.js`]: `exports.up = () => {};\nexports.down = (knex) => knex.raw('ALTER TABLE no_such_table DROP COLUMN x');\n` });
    await assert.rejects(tool.revert(NOTE, release), (error: unknown) => {
      assert.ok(error instanceof RewindError);
      assert.equal(error.code, 'MIGRATION_FAILED');
      assert.match(error.message, /knex migrate:down .* failed \(exit 1\)/);
      return true;
    });
    assert.deepEqual(await tool.applied(release), [ITEMS, NOTE]);
  });
});
