import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes for a ledger of years (fifty deploys a day for five years is 100,000 releases in one
 * environment): what planning and `status` ask (see ledger/releaseLookups) is answered from an
 * index, never by reading every release. The predicate and the expression are written exactly as
 * the queries write them: SQLite matches a partial or an expression index only on the same terms.
 */
export const releaseIndexes: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    // The live release: the most recently activated.
    await db.schema.createIndex('releases_app_env_activated').on('releases').columns(['app', 'env', 'activated_at', 'seq']).execute();
    // A release by version (a requested target, what a host runs), newest first.
    await db.schema.createIndex('releases_app_env_version').on('releases').columns(['app', 'env', 'version', 'seq']).execute();
    // Rollback candidates: only releases that passed verification and were never marked bad.
    await db.schema
      .createIndex('releases_app_env_good')
      .on('releases')
      .columns(['app', 'env', 'seq'])
      .where(sql<boolean>`verified_at is not null and marked_bad_at is null and status not in ('failed', 'rolled_back')`)
      .execute();
    // The release an app reports by its (maybe abbreviated) sha.
    await db.schema
      .createIndex('releases_app_env_sha')
      .on('releases')
      .columns(['app', 'env'])
      .expression(sql`lower(substr(trim(sha), 1, 7))`)
      .column('seq')
      .execute();
    // Releases a given-up deploy left half-made (`deploying`), and runs that hold the environment (running, paused).
    await db.schema.createIndex('releases_app_env_status').on('releases').columns(['app', 'env', 'status', 'seq']).execute();
    await db.schema.createIndex('runs_app_env_status').on('runs').columns(['app', 'env', 'status', 'seq']).execute();
    // A deploy's family: its automatic rollback, and the deploy of a release.
    await db.schema.createIndex('runs_app_env_from').on('runs').columns(['app', 'env', 'from_release_id', 'seq']).execute();
    await db.schema.createIndex('runs_app_env_to').on('runs').columns(['app', 'env', 'to_release_id', 'seq']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const name of ['runs_app_env_to', 'runs_app_env_from', 'runs_app_env_status', 'releases_app_env_status', 'releases_app_env_sha',
      'releases_app_env_good', 'releases_app_env_version', 'releases_app_env_activated']) {
      await db.schema.dropIndex(name).execute();
    }
  },
};
