import type { Kysely, Migration } from 'kysely';

/**
 * When the deployed commit was made (its committer date), recorded at deploy
 * when the source knows the sha and can tell: where `rewind metrics` starts
 * lead time for changes. Null when unknown, and for every earlier release.
 */
export const committedAt: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('releases').addColumn('committed_at', 'text').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('releases').dropColumn('committed_at').execute();
  },
};
