import type { Kysely, Migration } from 'kysely';

/**
 * Each journaled step carries the stable id of the plan step it carries out
 * (`switch:v1.1.0:batch-2`), so resume and reports find steps by id, never
 * by their titles. Steps journaled before have none (null).
 */
export const stepIds: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('steps').addColumn('step_id', 'text').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('steps').dropColumn('step_id').execute();
  },
};
