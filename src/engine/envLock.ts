import { RewindError } from '../core/errors.js';
import { describeHolder, isStale, type LockHolder, type ProcessIdentity } from '../core/lock.js';
import type { Clock, Ledger } from '../core/ports.js';

export type { ProcessIdentity };

export interface LockDeps {
  ledger: Ledger;
  clock: Clock;
  user: string;
  self: ProcessIdentity;
}

export interface HeldLock {
  runId: string;
  /** Let a run started inside this one (a deploy's automatic rollback) hold the lock until it releases it. */
  handOver(runId: string): Promise<HeldLock>;
  release(): Promise<void>;
  stopRenewing(): void;
}

/** Holders renew their lease this often (a third of it), so a live holder never looks stale. */
export const LEASE_MS = 60_000;

/**
 * Take the environment's lock for a run, or fail with LOCK_HELD naming the
 * holder. A holder that is gone (same host: its pid is dead; any host: its
 * lease expired) is taken over, by name, so two takers cannot both win.
 */
export async function takeEnvLock(deps: LockDeps, key: string, runId: string, replacing?: string): Promise<HeldLock> {
  const holder = holderFor(deps, runId);
  let got = await deps.ledger.acquireLock(key, holder, replacing);
  if (!got.taken && isStale(got.holder, { host: deps.self.host, now: deps.clock.now(), isAlive: deps.self.isAlive })) {
    got = await deps.ledger.acquireLock(key, holder, got.holder.runId);
  }
  if (!got.taken) {
    throw new RewindError(
      'LOCK_HELD',
      `${key.split(':')[1]} is locked by ${describeHolder(got.holder)}: wait for it to finish (rewind history shows it)`,
      { holder: got.holder },
    );
  }
  const renew = setInterval(() => {
    void deps.ledger.renewLock(key, runId, expiry(deps)).catch(() => undefined);
  }, LEASE_MS / 3);
  renew.unref();
  return {
    runId,
    handOver: async (childRunId) => {
      const child = await takeEnvLock(deps, key, childRunId, runId);
      return {
        ...child,
        // Give the lock back to the parent run (atomically, by name) rather than free it.
        release: async () => {
          child.stopRenewing();
          await deps.ledger.acquireLock(key, holderFor(deps, runId), childRunId);
        },
      };
    },
    release: async () => {
      clearInterval(renew);
      await deps.ledger.releaseLock(key, runId);
    },
    stopRenewing: () => clearInterval(renew),
  };
}

function holderFor(deps: LockDeps, runId: string): LockHolder {
  return {
    runId,
    user: deps.user,
    host: deps.self.host,
    pid: deps.self.pid,
    since: deps.clock.now().toISOString(),
    expiresAt: expiry(deps),
  };
}

function expiry(deps: LockDeps): string {
  return new Date(deps.clock.now().getTime() + LEASE_MS).toISOString();
}
