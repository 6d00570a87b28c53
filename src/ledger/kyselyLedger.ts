import type { Kysely } from 'kysely';
import type { LockFence } from '../core/lock.js';
import type { Ledger } from '../core/ports.js';
import { guarded } from './errors.js';
import * as audit from './auditQueries.js';
import { checkFence } from './lockFence.js';
import * as locks from './lockQueries.js';
import * as pipeline from './pipelineQueries.js';
import { auditedReleaseWrite, markLiveIds, type LedgerAudit } from './releaseAudit.js';
import * as lookups from './releaseLookups.js';
import * as releases from './releaseQueries.js';
import * as runs from './runQueries.js';
import type { Database } from './tables.js';

/**
 * Runs `work` as one write transaction that no other writer (in this process
 * or another) can interleave with. How that is achieved is the dialect's
 * business: SQLite takes the write lock up front (BEGIN IMMEDIATE);
 * PostgreSQL needs a transaction plus a lock that serialises writers.
 */
export type WriteTransaction = <T>(work: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;

export interface KyselyLedgerOptions {
  /** Already migrated (see migrateLedger). The ledger owns it: close() destroys it. */
  db: Kysely<Database>;
  writeTransaction: WriteTransaction;
  /** Names the ledger in error messages: a file path, or a URL without its password. */
  label: string;
  /** The key of a keyed audit chain, and who the ledger's own entries (release changes) are by. */
  audit?: LedgerAudit;
}

/** The Ledger port over any kysely database holding the ledger's tables. */
export function createKyselyLedger({ db, writeTransaction, label, audit: auditing = {} }: KyselyLedgerOptions): Ledger {
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= guarded(label, 'close', () => db.destroy());
    return closed;
  };
  const read = <T>(what: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> => guarded(label, what, () => fn(db));
  const writer = (fence: LockFence | undefined) => <T>(what: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    guarded(label, what, () =>
      writeTransaction(async (trx) => {
        if (fence) await checkFence(trx, fence, what);
        return fn(trx);
      }),
    );
  const unfenced = writer(undefined);

  /** Every view shares the database and its closing; a fenced view of a fenced view checks only the newer fence. */
  const view = (fence: LockFence | undefined): Ledger => {
    const write = writer(fence);
    return {
      // Every change of a release row is an audit entry, in the same transaction.
      insertRelease: (release) =>
        write('insertRelease', (trx) => auditedReleaseWrite(trx, auditing, [release.id], () => releases.insertRelease(trx, release))),
      updateRelease: (id, patch) =>
        write('updateRelease', (trx) => auditedReleaseWrite(trx, auditing, [id], () => releases.updateRelease(trx, id, patch))),
      getRelease: (id) => read('getRelease', (db) => releases.getRelease(db, id)),
      listReleases: (query) => read('listReleases', (db) => releases.listReleases(db, query)),
      liveRelease: (query) => read('liveRelease', (db) => lookups.liveRelease(db, query)),
      rollbackCandidates: (query) => read('rollbackCandidates', (db) => lookups.rollbackCandidates(db, query)),
      releasesOfBuild: (query) => read('releasesOfBuild', (db) => lookups.releasesOfBuild(db, query)),
      listAllReleases: () => read('listAllReleases', (db) => releases.listAllReleases(db)),
      markLive: (id, status, activatedAt) =>
        write('markLive', async (trx) =>
          auditedReleaseWrite(trx, auditing, await markLiveIds(trx, id), () => releases.markLive(trx, id, status, activatedAt))),
      fillReleases: (app, env, list) =>
        write('fillReleases', (trx) =>
          auditedReleaseWrite(trx, auditing, list.map((r) => r.id), () => releases.fillReleases(trx, app, env, list))),

      insertRun: (run) => write('insertRun', (trx) => runs.insertRun(trx, run)),
      updateRun: (id, patch) => write('updateRun', (trx) => runs.updateRun(trx, id, patch)),
      getRun: (id) => read('getRun', (db) => runs.getRun(db, id)),
      listRuns: (query) => read('listRuns', (db) => runs.listRuns(db, query)),

      startStep: (runId, index, name, at, stepId) =>
        write('startStep', (trx) => runs.startStep(trx, runId, index, name, at, stepId ?? null)),
      finishStep: (runId, index, result) => write('finishStep', (trx) => runs.finishStep(trx, runId, index, result)),
      listSteps: (runId) => read('listSteps', (db) => runs.listSteps(db, runId)),

      // The lock itself is never fenced: a holder must be able to find out that it lost it, and give it back.
      acquireLock: (key, holder, replacing) => unfenced('acquireLock', (trx) => locks.acquireLock(trx, key, holder, replacing)),
      renewLock: (key, runId, expiresAt, generation) =>
        unfenced('renewLock', (trx) => locks.renewLock(trx, key, runId, expiresAt, generation)),
      releaseLock: (key, runId, generation) => unfenced('releaseLock', (trx) => locks.releaseLock(trx, key, runId, generation)),
      getLock: (key) => read('getLock', (db) => locks.getLock(db, key)),
      fenced: (next) => view(next),

      appendAudit: (event) => write('appendAudit', (trx) => audit.appendAudit(trx, event, auditing.key)),
      listAudit: () => read('listAudit', (db) => audit.listAudit(db)),
      auditHead: () => read('auditHead', (db) => audit.auditHead(db)),

      listPhaseStatuses: (app) => read('listPhaseStatuses', (db) => pipeline.listPhaseStatuses(db, app)),
      listPhaseRollbacks: (app) => read('listPhaseRollbacks', (db) => pipeline.listPhaseRollbacks(db, app)),
      changePhases: (change) => write('changePhases', (trx) => pipeline.changePhases(trx, change)),

      close,
    };
  };
  return view(undefined);
}
