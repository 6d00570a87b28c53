import { describeHolder, type LockHolder } from '../core/lock.js';
import type { Clock } from '../core/ports.js';

export interface LeaseRenewalOptions {
  clock: Clock;
  leaseMs: number;
  /** Extend the lease to `expiresAt`; false when the lock is no longer this holder's. */
  renew: (expiresAt: string) => Promise<boolean>;
  /** Who holds the lock now: asked once, to say who took it over, when a renewal was refused. */
  holder: () => Promise<LockHolder | undefined>;
  /** When the lease in the ledger was last set; default now (the lock was just taken). */
  renewedAt?: Date;
}

/** Keeps one holder's lease alive, and knows when the holder can no longer count on its lock. */
export interface LeaseRenewal {
  /** Why the lock can no longer be counted on; undefined while it can. */
  lostBecause(): string | undefined;
  /** When the last successful renewal was sent: the lease in the ledger runs from then. */
  renewedAt(): Date;
  stop(): void;
}

/**
 * Renew the lease every third of it, starting a third after now (taking the
 * lock set the first lease). Never two renewals at once: a renewal stalled on
 * a dead connection is waited for, not stacked on, and it is the silence
 * that counts. The lock is lost when a renewal was refused (another run has
 * it; final), or when no renewal has succeeded for two thirds of the lease
 * (two in a row failed or stalled), since past that a step started now could
 * outlive the lease. A renewal that succeeds later ends that second kind.
 */
export function keepLeaseRenewed(options: LeaseRenewalOptions): LeaseRenewal {
  const { clock, leaseMs } = options;
  let renewedAt = options.renewedAt ?? clock.now();
  let lastError: string | undefined;
  let refused: string | undefined;
  let inFlight = false;
  let stopped = false;

  const renewOnce = async (): Promise<void> => {
    if (inFlight || stopped) return;
    inFlight = true;
    const sentAt = clock.now();
    try {
      const renewed = await options.renew(new Date(sentAt.getTime() + leaseMs).toISOString());
      if (stopped) return;
      if (renewed) {
        renewedAt = sentAt;
        lastError = undefined;
        return;
      }
      refused = 'another run took it over';
      clearInterval(timer);
      const holder = await options.holder().catch(() => null);
      if (holder) refused = `${describeHolder(holder)} took it over`;
      else if (holder === undefined) refused = 'it was released by someone else and nobody holds it now';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      inFlight = false;
    }
  };
  const timer = setInterval(() => void renewOnce(), leaseMs / 3);
  // A run that ended without releasing (a crash path) must not be kept alive by its renewals.
  timer.unref();

  return {
    lostBecause: () => {
      if (refused) return refused;
      if (clock.now().getTime() - renewedAt.getTime() <= (leaseMs * 2) / 3) return undefined;
      const why = lastError ?? (inFlight ? 'none: the renewal is still waiting for the ledger' : 'none');
      return `its lease could not be renewed since ${renewedAt.toISOString()} (last error: ${why})`;
    },
    renewedAt: () => renewedAt,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
