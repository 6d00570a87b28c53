import type { Kysely, Migration } from 'kysely';

/**
 * Phase rollback for multi-phase pipelines (seed 004): each phase's status,
 * and every phase rollback, whose count per target drives the escalation rule.
 * Lists (phases, revision targets, artifacts) are JSON text; the override flag is 0/1.
 */
export const pipeline: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('pipeline_phases')
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pipeline_phases_pk', ['app', 'phase'])
      .execute();

    await db.schema
      .createTable('pipeline_rollbacks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('from_phase', 'text', (c) => c.notNull())
      .addColumn('to_phase', 'text', (c) => c.notNull())
      .addColumn('phases', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('revision_targets', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('artifacts', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('escalation_override', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .execute();

    await db.schema.createIndex('pipeline_rollbacks_app_to_seq').on('pipeline_rollbacks').columns(['app', 'to_phase', 'seq']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('pipeline_rollbacks_app_to_seq').execute();
    await db.schema.dropTable('pipeline_rollbacks').execute();
    await db.schema.dropTable('pipeline_phases').execute();
  },
};
