import { RewindError } from '../core/errors.js';
import { describeHolder, isStale, type LockAcquisition, type LockHolder, type LockTenure, type ProcessIdentity } from '../core/lock.js';
import type { Clock, Ledger } from '../core/ports.js';
import { keepLeaseRenewed, type LeaseRenewal } from './leaseRenewal.js';

export type { ProcessIdentity };

export interface LockDeps {
  ledger: Ledger;
  clock: Clock;
  user: string;
  self: ProcessIdentity;
  /** How long a lease lasts without renewal; LEASE_MS unless set (REWIND_LEASE_MS, tests). */
  leaseMs?: number;
}

export interface HeldLock {
  runId: string;
  /**
   * deps.ledger fenced by this lock: every write first checks, in its own
   * transaction, that this run still holds the lock under its generation,
   * else throws LOCK_LOST writing nothing. While the lock is handed over its
   * writes are refused (the child holds it); once the child gives it back, it
   * checks the generation the lock came back under.
   */
  ledger: Ledger;
  /**
   * Throws LOCK_LOST when this run can no longer count on the lock: a renewal
   * was refused (another run took it over), or none has succeeded for two
   * thirds of the lease. Called before each step. Quiet while the lock is
   * handed over to a child run: the child holds it for this run.
   */
  assertHeld(): void;
  /** Let a run started inside this one (a deploy's automatic rollback) hold the lock until it releases it. */
  handOver(runId: string): Promise<HeldLock>;
  release(): Promise<void>;
  stopRenewing(): void;
}

/** The default lease; holders renew it every third of it, so a live holder never looks stale. */
export const LEASE_MS = 60_000;

/**
 * Take the environment's lock for a run, or fail with LOCK_HELD naming the
 * holder. A holder that is gone (same host: its pid is dead; any host: its
 * lease expired) is taken over, by name and generation, so two takers cannot both win.
 */
export async function takeEnvLock(deps: LockDeps, key: string, runId: string, replacing?: string | LockTenure): Promise<HeldLock> {
  const holder = holderFor(deps, runId);
  let got = await deps.ledger.acquireLock(key, holder, replacing);
  if (!got.taken && isStale(got.holder, { host: deps.self.host, now: deps.clock.now(), isAlive: deps.self.isAlive })) {
    got = await deps.ledger.acquireLock(key, holder, tenureOf(got.holder));
  }
  if (!got.taken) {
    throw new RewindError(
      'LOCK_HELD',
      `${envOf(key)} is locked by ${describeHolder(got.holder)}: wait for it to finish (rewind history shows it)`,
      { holder: got.holder },
    );
  }
  return holdLock(deps, key, runId, got.generation);
}

/**
 * The lock as one run holds it. `giveBack`, for a child run's lock: on
 * release, hand the lock back to the parent instead of freeing it.
 */
function holdLock(
  deps: LockDeps,
  key: string,
  runId: string,
  taken: number,
  giveBack?: (child: LockTenure) => Promise<void>,
): HeldLock {
  let generation = taken;
  let renewal: LeaseRenewal | undefined;
  // Set once this run is known to have lost the lock for good.
  let lost: string | undefined;
  let lent = false;
  let stopped = false;
  let released = false;
  const renew = (renewedAt?: Date): void => {
    if (stopped) return;
    const from = generation;
    renewal = keepLeaseRenewed({
      clock: deps.clock,
      leaseMs: leaseMsOf(deps),
      renew: (expiresAt) => deps.ledger.renewLock(key, runId, expiresAt, from),
      holder: () => deps.ledger.getLock(key),
      renewedAt,
    });
  };
  const stopRenewing = (): void => {
    stopped = true;
    renewal?.stop();
  };
  /** The child's release: take the lock back from the child's acquisition, under a new generation of ours. */
  const takeBack = async (child: LockTenure): Promise<void> => {
    try {
      const back = await deps.ledger.acquireLock(key, holderFor(deps, runId), child);
      if (back.taken) {
        generation = back.generation;
        lost = undefined;
        renew();
      } else {
        lost = `${describeHolder(back.holder)} took it over from run ${child.runId}`;
      }
    } catch (error) {
      lost = `it could not be taken back from run ${child.runId} (${error instanceof Error ? error.message : String(error)})`;
      throw error;
    } finally {
      lent = false;
    }
  };
  renew();

  return {
    runId,
    ledger: deps.ledger.fenced({ key, runId, generation: () => generation }),
    assertHeld: () => {
      if (lent) return;
      const why = lost ?? renewal?.lostBecause();
      if (why !== undefined) throw lockLost(key, runId, generation, `${why}; stopping before the next step`);
    },
    handOver: async (childRunId) => {
      // From here the child renews; a renewal of ours would only be refused.
      renewal?.stop();
      let got: LockAcquisition;
      try {
        got = await deps.ledger.acquireLock(key, holderFor(deps, childRunId), { runId, generation });
      } catch (error) {
        // The child may not have it: carry on renewing our lease, which runs from its last renewal.
        renew(renewal?.renewedAt());
        throw error;
      }
      if (!got.taken) {
        lost = `${describeHolder(got.holder)} took it over`;
        throw lockLost(key, runId, generation, `${lost}; run ${childRunId} was not started`);
      }
      lent = true;
      return holdLock(deps, key, childRunId, got.generation, takeBack);
    },
    release: async () => {
      stopRenewing();
      // Once done, never again: a second give-back would find the parent's lock, not ours, and call it lost.
      if (released) return;
      if (giveBack) await giveBack({ runId, generation });
      else await deps.ledger.releaseLock(key, runId, generation);
      released = true;
    },
    stopRenewing,
  };
}

function lockLost(key: string, runId: string, generation: number, why: string): RewindError {
  return new RewindError('LOCK_LOST', `run ${runId} lost its lock on ${envOf(key)}: ${why}`, { key, runId, generation });
}

function tenureOf(holder: LockHolder): LockTenure | string {
  return holder.generation === undefined ? holder.runId : { runId: holder.runId, generation: holder.generation };
}

function envOf(key: string): string {
  return key.split(':')[1] ?? key;
}

function leaseMsOf(deps: LockDeps): number {
  return deps.leaseMs ?? LEASE_MS;
}

function holderFor(deps: LockDeps, runId: string): LockHolder {
  return {
    runId,
    user: deps.user,
    host: deps.self.host,
    pid: deps.self.pid,
    since: deps.clock.now().toISOString(),
    expiresAt: new Date(deps.clock.now().getTime() + leaseMsOf(deps)).toISOString(),
  };
}
