import type { Kysely, Migration } from 'kysely';

/**
 * When a release was re-created by `rewind ledger rebuild` from what the
 * targets and reports still held after the ledger was lost: its status is the
 * best that evidence could tell, not what rewind saw happen. Null for every
 * release recorded as it happened.
 */
export const rebuiltReleases: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('releases').addColumn('rebuilt_at', 'text').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('releases').dropColumn('rebuilt_at').execute();
  },
};
