import { RewindError, isRewindError } from '../core/errors.js';

/**
 * Turn whatever a database driver threw into one line a user can act on,
 * naming the ledger (a file path, or a URL without its password). Errors that
 * are already ours (RELEASE_NOT_FOUND, ...) pass through untouched.
 */
export function ledgerError(label: string, what: string, error: unknown): RewindError {
  if (isRewindError(error)) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split('\n')[0]?.trim() || 'unknown error';
  return new RewindError('LEDGER_ERROR', `ledger ${label}: ${what} failed: ${firstLine}`, { ledger: label }, { cause: error });
}

/** Run `fn`, reporting any failure as a LEDGER_ERROR for `label`. */
export async function guarded<T>(label: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw ledgerError(label, what, error);
  }
}
