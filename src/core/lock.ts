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
