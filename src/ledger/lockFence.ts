import type { Kysely } from 'kysely';
import { RewindError } from '../core/errors.js';
import type { LockFence } from '../core/lock.js';
import { isFree, lockRow } from './lockQueries.js';
import type { Database } from './tables.js';

/**
 * Called first inside a fenced write's transaction: refuses with LOCK_LOST,
 * before anything is written, unless the fence's run still holds its lock at
 * its generation. Lock takers write under the same transaction lock, so no
 * take-over can slip in between this check and the write.
 */
export async function checkFence(trx: Kysely<Database>, fence: LockFence, what: string): Promise<void> {
  const row = await lockRow(trx, fence.key);
  const generation = fence.generation();
  if (row && row.run_id === fence.runId && Number(row.generation) === generation) return;
  const now = !row || isFree(row)
    ? 'nobody holds it now: another run took it over and gave it back'
    : row.run_id === fence.runId
      ? `it was taken again for this run elsewhere (generation ${Number(row.generation)}, this one's is ${generation})`
      : `run ${row.run_id} holds it now (generation ${Number(row.generation)}, this run's was ${generation})`;
  const message = `run ${fence.runId} lost its lock on ${fence.key}: ${now}; ${what} was refused and this process stopped, ` +
    'writing and marking nothing (`rewind history` shows how the run ended)';
  throw new RewindError('LOCK_LOST', message, {
    key: fence.key,
    runId: fence.runId,
    generation,
    holder: row && !isFree(row) ? row.run_id : null,
  });
}
