import type { Kysely } from 'kysely';
import { RewindError } from '../core/errors.js';
import type { RunQuery } from '../core/ports.js';
import type { Run, RunPatch, StepRecord, StepStatus } from '../core/run.js';
import { byEachStatus, checkLimit, nextSeq, seqOf } from './releaseQueries.js';
import { rowToRun, rowToStep, runPatchToRow, runToRow } from './rows.js';
import type { Database } from './tables.js';

/** Run and step queries over any kysely dialect; writers run inside the store's write transaction. */

export async function insertRun(trx: Kysely<Database>, run: Run): Promise<void> {
  const seq = await nextSeq(trx, 'runs');
  await trx.insertInto('runs').values(runToRow(run, seq)).execute();
}

export async function updateRun(trx: Kysely<Database>, id: string, patch: RunPatch): Promise<void> {
  const row = runPatchToRow(patch);
  if (Object.keys(row).length === 0) {
    if (!(await trx.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst())) throw runNotFound(id);
    return;
  }
  const result = await trx.updateTable('runs').set(row).where('id', '=', id).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw runNotFound(id);
}

export async function getRun(db: Kysely<Database>, id: string): Promise<Run | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToRun(row) : undefined;
}

export async function listRuns(db: Kysely<Database>, query: RunQuery): Promise<Run[]> {
  const rows = await byEachStatus(query.statuses, query.limit, (status) => {
    let select = db
      .selectFrom('runs')
      .selectAll()
      .where('app', '=', query.app)
      .where('env', '=', query.env)
      .orderBy('seq', 'desc');
    if (query.before !== undefined) select = select.where('seq', '<', seqOf(db, 'runs', query, query.before));
    if (status !== undefined) select = select.where('status', '=', status);
    if (query.fromReleaseId !== undefined) select = select.where('from_release_id', '=', query.fromReleaseId);
    if (query.toReleaseId !== undefined) select = select.where('to_release_id', '=', query.toReleaseId);
    if (query.limit !== undefined) select = select.limit(checkLimit(query.limit));
    return select.execute();
  });
  return rows.map(rowToRun);
}

/**
 * Starting a step that was started before (a resumed run re-running it)
 * resets it rather than failing: the journal shows the latest attempt.
 */
export async function startStep(
  trx: Kysely<Database>,
  runId: string,
  index: number,
  name: string,
  at: string,
  stepId: string | null = null,
): Promise<void> {
  const fresh = { name, status: 'running', started_at: at, finished_at: null, duration_ms: null, output: '', error: null, step_id: stepId };
  await trx
    .insertInto('steps')
    .values({ run_id: runId, idx: index, ...fresh })
    .onConflict((oc) => oc.columns(['run_id', 'idx']).doUpdateSet(fresh))
    .execute();
}

export interface StepResult {
  status: StepStatus;
  at: string;
  durationMs: number;
  output: string;
  error: string | null;
}

export async function finishStep(trx: Kysely<Database>, runId: string, index: number, result: StepResult): Promise<void> {
  const outcome = await trx
    .updateTable('steps')
    .set({
      status: result.status,
      finished_at: result.at,
      duration_ms: Math.round(result.durationMs),
      output: result.output,
      error: result.error,
    })
    .where('run_id', '=', runId)
    .where('idx', '=', index)
    .executeTakeFirst();
  if (outcome.numUpdatedRows === 0n) {
    throw new RewindError('LEDGER_ERROR', `step ${index} of run ${runId} was finished but never started`, { runId, index });
  }
}

export async function listSteps(db: Kysely<Database>, runId: string): Promise<StepRecord[]> {
  const rows = await db.selectFrom('steps').selectAll().where('run_id', '=', runId).orderBy('idx', 'asc').execute();
  return rows.map(rowToStep);
}

function runNotFound(id: string): RewindError {
  return new RewindError('RUN_NOT_FOUND', `no run with id ${id} in the ledger`, { runId: id });
}
