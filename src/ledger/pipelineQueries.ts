/**
 * Pipeline phase statuses and phase rollbacks, with plain kysely builder
 * calls that mean the same on SQLite and PostgreSQL. `changePhases` must run
 * inside the store's write transaction: it checks, then writes.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import { RewindError } from '../core/errors.js';
import type { PhaseChange, PhaseRollbackEntry, PhaseStatus, RollbackTrigger, StoredPhaseStatus } from '../core/pipeline/phases.js';
import type { Database, PipelineRollbacksTable } from './tables.js';

export async function listPhaseStatuses(db: Kysely<Database>, app: string): Promise<StoredPhaseStatus[]> {
  const rows = await db.selectFrom('pipeline_phases').selectAll().where('app', '=', app).orderBy('phase').execute();
  return rows.map((row) => ({ phase: row.phase, status: row.status as PhaseStatus, updatedAt: row.updated_at, updatedBy: row.updated_by }));
}

/** Newest first, like every list in the ledger. */
export async function listPhaseRollbacks(db: Kysely<Database>, app: string): Promise<PhaseRollbackEntry[]> {
  const rows = await db.selectFrom('pipeline_rollbacks').selectAll().where('app', '=', app).orderBy('seq', 'desc').execute();
  return rows.map(rowToRollback);
}

/**
 * Apply one change of a pipeline atomically, or nothing: every status must
 * still be what the caller planned from, so two rollbacks decided at once
 * cannot both pass the escalation rule.
 */
export async function changePhases(trx: Kysely<Database>, change: PhaseChange): Promise<void> {
  const current = new Map((await listPhaseStatuses(trx, change.app)).map((row) => [row.phase, row.status]));
  for (const status of change.statuses) {
    const found = current.get(status.phase) ?? null;
    if (found !== status.expected) {
      throw new RewindError(
        'PHASE_CHANGED',
        `pipeline phase ${status.phase} changed meanwhile (now ${found ?? 'unset'}, expected ${status.expected ?? 'unset'}): ` +
          'nothing was changed; check `rewind pipeline status` and run the command again',
        { phase: status.phase },
      );
    }
  }
  for (const status of change.statuses) {
    const row = { status: status.next, updated_at: change.at, updated_by: change.by };
    if (current.has(status.phase)) {
      await trx.updateTable('pipeline_phases').set(row).where('app', '=', change.app).where('phase', '=', status.phase).execute();
    } else {
      await trx.insertInto('pipeline_phases').values({ app: change.app, phase: status.phase, ...row }).execute();
    }
  }
  if (change.rollback) {
    const max = await trx.selectFrom('pipeline_rollbacks').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    await trx.insertInto('pipeline_rollbacks').values(rollbackToRow(change.app, change.rollback, Number(max?.max ?? 0) + 1)).execute();
  }
}

function rollbackToRow(app: string, rollback: PhaseRollbackEntry, seq: number): Insertable<PipelineRollbacksTable> {
  return {
    id: rollback.id,
    app,
    from_phase: rollback.fromPhase,
    to_phase: rollback.toPhase,
    phases: JSON.stringify(rollback.phases),
    reason: rollback.reason,
    trigger: rollback.trigger,
    revision_targets: JSON.stringify(rollback.revisionTargets),
    artifacts: JSON.stringify(rollback.artifacts),
    escalation_override: rollback.escalationOverride ? 1 : 0,
    actor: rollback.actor,
    at: rollback.at,
    seq,
  };
}

function rowToRollback(row: Selectable<PipelineRollbacksTable>): PhaseRollbackEntry {
  return {
    id: row.id,
    fromPhase: row.from_phase,
    toPhase: row.to_phase,
    phases: JSON.parse(row.phases) as string[],
    reason: row.reason,
    trigger: row.trigger as RollbackTrigger,
    revisionTargets: JSON.parse(row.revision_targets) as string[],
    artifacts: JSON.parse(row.artifacts) as PhaseRollbackEntry['artifacts'],
    // PostgreSQL may hand integers back as strings or numbers depending on the driver's settings.
    escalationOverride: Number(row.escalation_override) === 1,
    actor: row.actor,
    at: row.at,
  };
}
