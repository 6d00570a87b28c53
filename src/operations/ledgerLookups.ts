import { lastKnownGood } from '../core/lastKnownGood.js';
import type { Ledger } from '../core/ports.js';
import type { Release } from '../core/release.js';
import { releaseServing } from '../core/runningEvidence.js';

/**
 * The ledger questions the hot paths (plan, status, deploy, rollback) ask, answered by the
 * Ledger's indexed queries rather than a scan of every release; the rules stay core's.
 */
export interface LedgerScope {
  ledger: Ledger;
  app: string;
  envName: string;
}

/** Candidates fetched for core's lastKnownGood: the query already leaves out what the rule would skip, so the first is it. */
const CANDIDATES = 4;

/** A version deployed more often than this: the newest ones are looked at for the one `current` points at. */
const SAME_BUILD = 100;

export function scopeOf(deps: LedgerScope): { app: string; env: string } {
  return { app: deps.app, env: deps.envName };
}

/** The last known good release older than `failed` (the newest good one when there is none), as core's lastKnownGood picks it. */
export async function findLastKnownGood(deps: LedgerScope, failed: Release | undefined): Promise<Release | undefined> {
  const candidates = await deps.ledger.rollbackCandidates({
    ...scopeOf(deps), before: failed?.id, exceptVersion: failed?.version, limit: CANDIDATES,
  });
  return lastKnownGood(failed ? [failed, ...candidates] : candidates, failed);
}

/**
 * The release an app's reported build belongs to, as core's releaseServing decides it: the
 * releases of that build, and those of the version `current` points at (the likelier of several).
 */
export async function findServing(deps: LedgerScope, reported: string, current: string | null): Promise<Release | undefined> {
  const scope = scopeOf(deps);
  const [ofCurrent, ofBuild] = await Promise.all([
    current === null ? [] : deps.ledger.listReleases({ ...scope, version: current, limit: SAME_BUILD }),
    deps.ledger.releasesOfBuild({ ...scope, build: reported, limit: SAME_BUILD }),
  ]);
  // Those of `current` first: releaseServing takes the first of them that matches, else the newest match.
  return releaseServing([...ofCurrent, ...ofBuild], reported, current);
}

/** The newest release of the environment, whatever its status. */
export async function newestRelease(deps: LedgerScope): Promise<Release | undefined> {
  return (await deps.ledger.listReleases({ ...scopeOf(deps), limit: 1 }))[0];
}

/** A release by id, only if it is this environment's. */
export async function releaseHere(deps: LedgerScope, id: string): Promise<Release | undefined> {
  const found = await deps.ledger.getRelease(id);
  return found && found.app === deps.app && found.env === deps.envName ? found : undefined;
}
