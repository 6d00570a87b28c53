/**
 * The first error wins: when a run fails, its message, report and exit code
 * are about the first thing that went wrong. What fails while cleaning up
 * after it (giving the lock back over a ledger that is gone, closing a
 * connection) is listed after it, never instead of it.
 */
import { RewindError, asRewindError } from '../core/errors.js';

/** Run `work`, then `cleanup` whatever happened; a cleanup failure is noted on the first error, or returned beside success. */
export async function withCleanup<T>(
  work: () => Promise<T>,
  cleanup: () => Promise<void>,
  what: string,
  onLateFailure: (line: string) => void = () => undefined,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (thrown) {
    const first = asRewindError(thrown);
    await cleanup().catch((later: unknown) => noteCleanupFailure(first, `${what}: ${messageOf(later)}`));
    throw first;
  }
  // The run itself finished and is recorded: its outcome stands.
  await cleanup().catch((later: unknown) => onLateFailure(`${what}: ${messageOf(later)}`));
  return result;
}

export function noteCleanupFailure(error: RewindError, line: string): void {
  const cleanup = Array.isArray(error.details.cleanup) ? (error.details.cleanup as string[]) : [];
  error.details.cleanup = [...cleanup, line];
}

/** The lines to show after an error's own message. */
export function cleanupFailures(error: RewindError): string[] {
  return Array.isArray(error.details.cleanup) ? (error.details.cleanup as string[]) : [];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A run that stopped on a thrown error (the ledger failed, a host vanished)
 * after it started is left `running`: it is interrupted, and says how to go on.
 */
export function stoppedMidRun(thrown: unknown, runId: string): RewindError {
  const error = asRewindError(thrown);
  // Another run took the environment over and carries on: this one only stops.
  if (error.code === 'LOCK_LOST' || error.details.resumable !== undefined) return error;
  const next = `run ${runId} did not finish and is interrupted: \`rewind resume ${runId}\` continues it once that is fixed, ` +
    `or \`rewind abandon ${runId} --reason "..."\` gives it up`;
  return new RewindError(error.code, `${error.message}; ${next}`, { ...error.details, runId, resumable: true }, { cause: error });
}

/**
 * Errors after which a run cannot record itself (its lock or its ledger is
 * gone) or that already stopped a run part of it: they end the run where it
 * is, never count as a step failure, and never judge a release.
 */
export function isRunStopping(thrown: unknown): boolean {
  const error = asRewindError(thrown);
  return error.code === 'LOCK_LOST' || error.code === 'LEDGER_ERROR' || error.details.resumable !== undefined;
}
