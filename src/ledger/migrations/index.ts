import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001_initial.js';
import { audit } from './002_audit.js';
import { activatedAt } from './003_activated_at.js';
import { locks } from './004_locks.js';
import { pipeline } from './005_pipeline.js';
import { stepIds } from './006_step_ids.js';
import { lockGeneration } from './007_lock_generation.js';
import { releaseIndexes } from './008_release_indexes.js';
import { auditKey } from './009_audit_key.js';
import { rebuiltReleases } from './010_rebuilt_releases.js';
import { committedAt } from './011_committed_at.js';

/**
 * Every schema migration, by name. Names sort in the order they run; kysely
 * records them in `kysely_migration`. Listed here rather than scanned from a
 * folder so that the compiled dist/ (and a bundle) carries them.
 * Never rename or edit a published migration: add the next number.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001_initial': initial,
  '002_audit': audit,
  '003_activated_at': activatedAt,
  '004_locks': locks,
  '005_pipeline': pipeline,
  '006_step_ids': stepIds,
  '007_lock_generation': lockGeneration,
  '008_release_indexes': releaseIndexes,
  '009_audit_key': auditKey,
  '010_rebuilt_releases': rebuiltReleases,
  '011_committed_at': committedAt,
};

export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

export const LATEST_MIGRATION: string = MIGRATION_NAMES[MIGRATION_NAMES.length - 1]!;

export const staticMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...MIGRATIONS };
  },
};
