import { RewindError } from './errors.js';

/**
 * The REWIND_* variables every command rewind starts for a release gets
 * (builds, installs, reloads, smoke commands, migration tools, the command
 * driver's steps): defined here once, so each of them sees the same names.
 * Also where rewind's own tuning variables are read (REWIND_LEASE_MS).
 */
export interface RewindEnvFacts {
  version: string;
  sha?: string | null;
  /** The release's directory, where the driver has one. */
  releaseDir?: string | null;
  /** What ran before this version became current: the version being left. */
  previousVersion?: string | null;
  env?: string;
  runId?: string | null;
  user?: string | null;
}

export function rewindEnv(facts: RewindEnvFacts): Record<string, string> {
  const vars: Record<string, string> = {
    REWIND_VERSION: facts.version,
    REWIND_SHA: facts.sha ?? '',
    REWIND_RELEASE_DIR: facts.releaseDir ?? '',
  };
  // Set only when known, so a command can tell "not known" from "empty".
  if (facts.previousVersion !== undefined) vars.REWIND_PREVIOUS_VERSION = facts.previousVersion ?? '';
  if (facts.env !== undefined) vars.REWIND_ENV = facts.env;
  if (facts.runId) vars.REWIND_RUN_ID = facts.runId;
  if (facts.user) vars.REWIND_USER = facts.user;
  return vars;
}

/** The least REWIND_LEASE_MS accepted: renewals go every third of the lease, and a ledger write must fit well inside one. */
export const MIN_LEASE_MS = 500;

/**
 * The lease of an environment lock from REWIND_LEASE_MS (milliseconds), read
 * here once for every command; undefined when unset, so the engine's default
 * (a minute) applies. Shorter leases let a crashed holder be taken over
 * sooner, but a holder cut off from the ledger for two thirds of one stops.
 */
export function leaseMsFromEnv(vars: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = vars.REWIND_LEASE_MS?.trim();
  if (!raw) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < MIN_LEASE_MS) {
    throw new RewindError(
      'USAGE',
      `REWIND_LEASE_MS must be a whole number of milliseconds, at least ${MIN_LEASE_MS} (default 60000), got ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}
