import type { Kysely, Migration } from 'kysely';

/**
 * Each lock row counts its acquisitions: the generation is the fencing token
 * a holder's every write is checked against, so a run that lost the lock
 * (stalled, then came back) cannot write after another run took it over.
 * Rows are kept (marked free) on release from now on, so the count only grows.
 */
export const lockGeneration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('locks')
      .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('locks').dropColumn('generation').execute();
  },
};
