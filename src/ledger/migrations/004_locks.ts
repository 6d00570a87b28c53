import type { Kysely, Migration } from 'kysely';

/** Environment locks live in the ledger, so every process (and, with PostgreSQL, every machine) sees them. */
export const locks: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('locks')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('user', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('locks').execute();
  },
};
