/**
 * The port every migration tool (sql, knex, command) is driven through. The
 * release dir is passed per call: deploy applies with the new release's code,
 * a rollback reverts with the failed release's code (its dir still holds the
 * down steps; the target's code may not have them).
 */
export type Reversibility = 'auto' | 'manual' | 'none';

export interface MigrationSource {
  id: string;
  /** The down step's text (the down file, or the down function of a knex file); null when there is none. */
  down: string | null;
  /** The file the down step is in, for the operator: relative to the release dir. */
  downPath: string | null;
  /** The text scanned for `rewind: manual` / `rewind: irreversible` markers (the up and down files). */
  markerText: string;
  /** `sql` or `js`: how the down text is read for data loss. */
  language: 'sql' | 'js';
}

export interface MigrationTool {
  readonly kind: 'sql' | 'knex' | 'command';
  /** Throws MIGRATIONS_MISCONFIGURED when the tool cannot be used at all (its database URL variable is not set). */
  assertUsable(): void;
  /** The ids applied in the database now, oldest first. */
  applied(releaseDir: string): Promise<string[]>;
  /** Apply every pending migration of the release; returns the ids it applied, oldest first. */
  migrate(releaseDir: string): Promise<string[]>;
  /** Run one migration's down step; throws MIGRATION_FAILED when it fails. */
  revert(id: string, releaseDir: string): Promise<string>;
  /** What the release dir holds about one migration. */
  source(id: string, releaseDir: string): Promise<MigrationSource>;
  /**
   * The operator confirmed they reverted `id` by hand: make the tool's
   * record agree (the sql tool forgets the id; other tools keep their own).
   */
  forget(id: string): Promise<void>;
}
