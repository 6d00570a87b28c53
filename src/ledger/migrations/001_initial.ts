import type { Kysely, Migration } from 'kysely';

/**
 * Releases, runs and their steps. Migrations take `Kysely<any>` on purpose:
 * they describe the schema as it was then, not as `Database` says it is now.
 */
export const initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('env', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('sha', 'text')
      .addColumn('artifact', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('deployed_by', 'text', (c) => c.notNull())
      .addColumn('deployed_at', 'text', (c) => c.notNull())
      .addColumn('verified_at', 'text')
      .addColumn('marked_bad_at', 'text')
      .addColumn('migrations', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('env', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('from_version', 'text')
      .addColumn('to_version', 'text')
      .addColumn('from_release_id', 'text')
      .addColumn('to_release_id', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('reason', 'text')
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('plan', 'text', (c) => c.notNull().defaultTo('null'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('error', 'text')
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .execute();

    await db.schema
      .createTable('steps')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('output', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('steps_pk', ['run_id', 'idx'])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('steps').execute();
    await db.schema.dropTable('runs').execute();
    await db.schema.dropTable('releases').execute();
  },
};
