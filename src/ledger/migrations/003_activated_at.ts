import { sql, type Kysely, type Migration } from 'kysely';

/**
 * When `current` last switched to a release: the ledger's live release is
 * the most recently activated one, even when it failed verification.
 * Existing live or verified releases count as activated when deployed.
 */
export const activatedAt: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('releases').addColumn('activated_at', 'text').execute();
    await db
      .updateTable('releases')
      .set({ activated_at: sql`deployed_at` })
      .where('status', 'in', ['live', 'verified'])
      .execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('releases').dropColumn('activated_at').execute();
  },
};
