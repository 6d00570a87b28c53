/**
 * One run per environment at a time. The holder says who and where, so a
 * blocked user can be told exactly who has it; the lease lets a lock whose
 * holder vanished (another machine, a crash) be taken over safely.
 */
export interface LockHolder {
  runId: string;
  user: string;
  host: string;
  pid: number;
  since: string;
  /** The holder renews this while it runs; once past, the lock is free to take. */
  expiresAt: string;
  /** The lock's fencing token (see LockAcquisition): filled in by the ledger when it reports a holder, ignored when taking. */
  generation?: number;
}

/**
 * What asking for a lock gives. Taken: the lock's new generation, a fencing
 * token strictly greater than any earlier one for that key, so a holder that
 * lost the lock (a stalled connection, a lease that ran out) can be told
 * apart from the one that has it now, even when both name the same run.
 */
export type LockAcquisition = { taken: true; generation: number } | { taken: false; holder: LockHolder };

/**
 * One acquisition of a lock: which run took it, under which generation. A
 * take-over or a handover names the acquisition it replaces this way, so it
 * cannot replace a later one of the same run (a resume started elsewhere).
 */
export interface LockTenure {
  runId: string;
  generation: number;
}

/**
 * What a fenced ledger checks before each write, inside the write's own
 * transaction: the lock `key` is still `runId`'s at `generation()`. A
 * function, because a run's generation changes while it holds the lock (a
 * child run it handed the lock to gives it back under a new generation).
 */
export interface LockFence {
  key: string;
  runId: string;
  generation: () => number;
}

/** Who this process is, for lock holders and for judging whether another holder is still alive. */
export interface ProcessIdentity {
  host: string;
  pid: number;
  isAlive: (pid: number) => boolean;
}

export function lockKey(app: string, env: string): string {
  return `${app}:${env}`;
}

/** Pure: may `holder` be taken over? Same host: its process is gone. Any host: its lease ran out. */
export function isStale(holder: LockHolder, here: { host: string; now: Date; isAlive: (pid: number) => boolean }): boolean {
  if (Date.parse(holder.expiresAt) <= here.now.getTime()) return true;
  return holder.host === here.host && !here.isAlive(holder.pid);
}

export function describeHolder(holder: LockHolder): string {
  return `run ${holder.runId} by ${holder.user} on ${holder.host} (pid ${holder.pid}) since ${holder.since}`;
}
