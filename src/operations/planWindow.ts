import { findFailed } from '../core/planRollback.js';
import type { Release } from '../core/release.js';
import { versionsSeen, type HostEvidence } from '../core/runningEvidence.js';
import { findLastKnownGood, releaseHere, scopeOf, type LedgerScope } from './ledgerLookups.js';

/**
 * The releases a rollback plan is made from. Not every release of the environment (a ledger of
 * years holds 100,000 of them), but every one core's planRollback looks at, in the ledger's order,
 * so that it makes the same plan as from all of them (test/ledger/queryProperty checks it):
 *
 * - the newest release and the live one;
 * - the release a request names (`--failed-deployment-id`, by id or version) and the one it asks
 *   for (`--target-version`), and, for each version seen running, its newest release and the one
 *   `current` last switched to: these decide the release rolled back;
 * - then the last known good before that release, and every release between it and the target
 *   (the versions skipped, the migrations to revert); with a requested target the ledger lacks,
 *   the releases just older, which the refusal names.
 */
export interface PlanRequest {
  failed?: string;
  targetVersion?: string;
}

/** How many older releases a refusal of an unknown --target-version can name from (it names 8 versions). */
const NAMED_IN_REFUSAL = 50;

export async function planWindow(deps: LedgerScope, request: PlanRequest, seen: readonly HostEvidence[] = []): Promise<Release[]> {
  const scope = scopeOf(deps);
  const { ledger } = deps;
  const one = (r: Release | undefined): Release[] => (r ? [r] : []);
  const byVersion = (version: string) => ledger.listReleases({ ...scope, version, limit: 1 });
  const found = await Promise.all([
    ledger.listReleases({ ...scope, limit: 1 }),
    ledger.liveRelease(scope).then(one),
    request.failed === undefined ? [] : releaseHere(deps, request.failed).then(one),
    request.failed === undefined ? [] : byVersion(request.failed),
    request.targetVersion === undefined ? [] : byVersion(request.targetVersion),
    ...versionsSeen(seen).flatMap((version) => [byVersion(version), ledger.liveRelease({ ...scope, version }).then(one)]),
  ]);
  const first = await inLedgerOrder(deps, found.flat());
  const failed = rolledBack(first, request, seen);
  if (!failed) return first;
  const good = await findLastKnownGood(deps, failed);
  const window = await inLedgerOrder(deps, [...first, ...one(good)]);
  const target = request.targetVersion === undefined ? good : window.find((r) => r.version === request.targetVersion);
  const at = (r: Release) => window.findIndex((w) => w.id === r.id);
  if (target && at(target) > at(failed)) {
    return between(window, failed, target, await ledger.listReleases({ ...scope, after: target.id, before: failed.id }));
  }
  if (target || request.targetVersion === undefined) return window;
  const older = await ledger.listReleases({ ...scope, before: failed.id, limit: NAMED_IN_REFUSAL });
  const last = older.at(-1);
  if (!last) return window;
  return between(await inLedgerOrder(deps, [...window, last]), failed, last, older.slice(0, -1));
}

/** The release core would roll back, from what the window holds so far; undefined when core refuses (it will again, the same way). */
function rolledBack(window: readonly Release[], request: PlanRequest, seen: readonly HostEvidence[]): Release | undefined {
  try {
    return findFailed({
      app: '', env: '', driver: '', hosts: [], now: '', releases: window, failed: request.failed, observedLive: null, seenRunning: seen,
    });
  } catch {
    return undefined;
  }
}

/** Releases found one by one, each once, newest first as the ledger lists them. */
async function inLedgerOrder(deps: LedgerScope, releases: readonly Release[]): Promise<Release[]> {
  return deps.ledger.listReleases({ ...scopeOf(deps), ids: releases.map((r) => r.id) });
}

/** `window` with `block` (every release strictly between `upper` and `lower`, newest first) put between them. */
function between(window: readonly Release[], upper: Release, lower: Release, block: readonly Release[]): Release[] {
  const top = window.findIndex((r) => r.id === upper.id);
  const bottom = window.findIndex((r) => r.id === lower.id);
  return [...window.slice(0, top + 1), ...block, ...window.slice(bottom)];
}
