import { RewindError, isRewindError } from '../core/errors.js';

/**
 * Turn whatever a database driver threw into one line a user can act on,
 * naming the ledger (a file path, or a URL without its password). Errors that
 * are already ours (RELEASE_NOT_FOUND, ...) pass through untouched.
 */
export function ledgerError(label: string, what: string, error: unknown): RewindError {
  if (isRewindError(error)) return error;
  return new RewindError('LEDGER_ERROR', `ledger ${label}: ${what} failed: ${firstLine(error)}`, { ledger: label }, { cause: error });
}

/**
 * The first line of a driver's message. A connection that failed on every
 * address (localhost is ::1 and 127.0.0.1) is an AggregateError with an
 * empty message: its first inner error says what happened.
 */
function firstLine(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const line = raw.split('\n')[0]?.trim();
  if (line) return line;
  if (error instanceof AggregateError && error.errors.length > 0) return firstLine(error.errors[0]);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** Run `fn`, reporting any failure as a LEDGER_ERROR for `label`. */
export async function guarded<T>(label: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw ledgerError(label, what, error);
  }
}
