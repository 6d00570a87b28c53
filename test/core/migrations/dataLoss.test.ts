import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataLossIn } from '../../../src/core/migrations/dataLoss.js';

describe('data loss in a SQL down step', () => {
  it('names dropped tables, columns, truncations, deletes and type changes', () => {
    const sql = `-- undo 002
      DROP TABLE IF EXISTS audit_log, "sessions";
      ALTER TABLE items DROP COLUMN note, DROP COLUMN IF EXISTS "colour";
      TRUNCATE TABLE carts;
      DELETE FROM public.orders WHERE id > 10;
      ALTER TABLE items ALTER COLUMN price TYPE integer;
      alter table users alter name set data type varchar(10);`;
    assert.deepEqual(new Set(dataLossIn(sql, 'sql')), new Set([
      'DROP TABLE audit_log', 'DROP TABLE sessions',
      'TRUNCATE carts', 'DELETE FROM public.orders',
      'DROP COLUMN items.note', 'DROP COLUMN items.colour',
      'ALTER COLUMN items.price TYPE', 'ALTER COLUMN users.name TYPE',
    ]));
  });

  it('finds nothing in a down step that only adds or drops what holds no data', () => {
    assert.deepEqual(dataLossIn('ALTER TABLE items ADD COLUMN note text; ALTER TABLE items DROP CONSTRAINT items_note_check; DROP INDEX items_note;', 'sql'), []);
    assert.deepEqual(dataLossIn('ALTER TABLE items ALTER COLUMN note DROP NOT NULL;', 'sql'), []);
  });

  it('ignores a commented-out statement', () => {
    assert.deepEqual(dataLossIn('-- DROP TABLE items;\n/* TRUNCATE items; */ select 1;', 'sql'), []);
  });
});

describe('data loss in a knex down function', () => {
  it('names the same operations in the query builder', () => {
    const js = `exports.down = async function (knex) {
      await knex.schema.alterTable('items', (t) => { t.dropColumn('note'); t.dropColumns('a', 'b'); });
      await knex.schema.dropTableIfExists('audit_log');
      await knex('carts').truncate();
      await knex('orders').where('id', '>', 10).del();
      await knex.schema.alterTable('items', (t) => { t.integer('price').alter(); });
      await knex.raw('ALTER TABLE users DROP COLUMN legacy');
    };`;
    const found = dataLossIn(js, 'js');
    for (const expected of ['DROP COLUMN items.note', 'DROP COLUMN items.a', 'DROP COLUMN items.b', 'DROP TABLE audit_log', 'TRUNCATE carts', 'DELETE FROM orders', 'ALTER COLUMN items.price TYPE', 'DROP COLUMN users.legacy']) {
      assert.ok(found.includes(expected), `${expected} in ${JSON.stringify(found)}`);
    }
  });

  it('finds nothing in a down function that only adds', () => {
    assert.deepEqual(dataLossIn("exports.down = (knex) => knex.schema.alterTable('items', (t) => { t.text('note'); });", 'js'), []);
  });
});
