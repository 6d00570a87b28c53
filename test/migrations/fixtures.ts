import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's node_modules: fixture releases link to it so `knex` and `pg` resolve. */
export const REPO_NODE_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules');

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

/** The plain-SQL fixture's migrations: 002 adds a NOT NULL column that code from before it cannot insert without. */
export const SQL_MIGRATIONS = {
  '001_items': {
    'db/migrations/001_items.sql': 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n',
    'db/migrations/001_items.down.sql': 'DROP TABLE items;\n',
  },
  '002_add_note': {
    'db/migrations/002_add_note.sql': "ALTER TABLE items ADD COLUMN note text;\nUPDATE items SET note = '';\nALTER TABLE items ALTER COLUMN note SET NOT NULL;\n",
    'db/migrations/002_add_note.down.sql': 'ALTER TABLE items DROP COLUMN note;\n',
  },
} as const;

/** The knex fixture's migrations, the same schema changes as the SQL ones. */
export const KNEX_MIGRATIONS = {
  '20260101000001_items': {
    'migrations/20260101000001_items.js': `exports.up = (knex) => knex.schema.createTable('items', (t) => { t.increments('id'); t.text('name').notNullable(); });
exports.down = (knex) => knex.schema.dropTable('items');
`,
  },
  '20260101000002_add_note': {
    'migrations/20260101000002_add_note.js': `exports.up = async (knex) => {
  await knex.schema.alterTable('items', (t) => { t.text('note'); });
  await knex('items').update({ note: '' });
  await knex.schema.alterTable('items', (t) => { t.text('note').notNullable().alter(); });
};
exports.down = (knex) => knex.schema.alterTable('items', (t) => { t.dropColumn('note'); });
`,
  },
} as const;

export const KNEXFILE = `module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n`;

/** A release dir able to run its own knex: a knexfile and node_modules linked to the repository's. */
export async function knexRelease(dir: string, migrations: Record<string, string>): Promise<void> {
  await writeFiles(dir, { 'knexfile.js': KNEXFILE, ...migrations });
  await symlink(REPO_NODE_MODULES, join(dir, 'node_modules'));
}
