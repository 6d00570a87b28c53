import type { Kysely, Migration } from 'kysely';

/** The hash-chained audit log, and the indexes every "newest first per environment" query uses. */
export const audit: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('audit')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('env', 'text')
      .addColumn('run_id', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema.createIndex('releases_app_env_seq').on('releases').columns(['app', 'env', 'seq']).execute();
    await db.schema.createIndex('runs_app_env_seq').on('runs').columns(['app', 'env', 'seq']).execute();
    await db.schema.createIndex('audit_app_env_seq').on('audit').columns(['app', 'env', 'seq']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('audit_app_env_seq').execute();
    await db.schema.dropIndex('runs_app_env_seq').execute();
    await db.schema.dropIndex('releases_app_env_seq').execute();
    await db.schema.dropTable('audit').execute();
  },
};
