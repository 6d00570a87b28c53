import { hasEvidence, ledgerLost, recordDetail } from '../../core/earlierRecord.js';
import type { Clock, Ledger } from '../../core/ports.js';
import { findEarlierRecord, type RecordIo } from './findEarlierRecord.js';

/** The audit action that records a fresh start chosen with --new-ledger: the environment is not "lost" after it. */
export const STARTED_AFRESH = 'ledger.started_afresh';

export interface LedgerGuardIo extends RecordIo {
  /** Names the ledger in the message: a file, or a URL without its password. */
  ledgerLabel: string;
  /** --new-ledger: the ledger is empty on purpose. */
  newLedger: boolean;
  user: string;
  clock: Clock;
}

/**
 * A lost ledger must not pass for a new one: an empty ledger would let the
 * next broken deploy go without its automatic rollback although a verified
 * release was live. When the ledger holds nothing of this environment but
 * its targets hold releases rewind made, or its reports tell of runs, refuse
 * (LEDGER_LOST, nothing written) unless --new-ledger says to start afresh,
 * which the audit log then records.
 *
 * `ledger` is the opened store, or undefined when it is blank (a SQLite file
 * missing or of 0 bytes): it is then created by `open` only once it is known
 * to be wanted. Returns the ledger to use; closes it when refusing.
 */
export async function keepLedgerWhole(io: LedgerGuardIo, ledger: Ledger | undefined, open: () => Promise<Ledger>): Promise<Ledger> {
  try {
    if (ledger && (await holdsEnvironment(ledger, io.app, io.envName))) return ledger;
    const record = await findEarlierRecord(io);
    if (!hasEvidence(record)) return ledger ?? (await open());
    if (ledger && (await startedAfresh(ledger, io.app, io.envName))) return ledger;
    if (!io.newLedger) throw ledgerLost(io.ledgerLabel, record, io.app, io.envName);
    const opened = ledger ?? (await open());
    ledger = opened;
    await opened.appendAudit({
      at: io.clock.now().toISOString(), actor: io.user, action: STARTED_AFRESH, app: io.app, env: io.envName, runId: null,
      outcome: 'success', detail: { ledger: io.ledgerLabel, found: recordDetail(record) },
    });
    return opened;
  } catch (error) {
    await ledger?.close().catch(() => undefined);
    throw error;
  }
}

/** Any release or run of the environment: the ledger has its history (a new one has neither). */
export async function holdsEnvironment(ledger: Ledger, app: string, env: string): Promise<boolean> {
  if ((await ledger.listReleases({ app, env, limit: 1 })).length > 0) return true;
  return (await ledger.listRuns({ app, env, limit: 1 })).length > 0;
}

/** Read only when the ledger holds no release or run of the environment and a record says it had some. */
async function startedAfresh(ledger: Ledger, app: string, env: string): Promise<boolean> {
  return (await ledger.listAudit()).some((e) => e.action === STARTED_AFRESH && e.app === app && e.env === env);
}
