import { createHash } from 'node:crypto';
import { lastKnownGood, liveRelease } from '../core/lastKnownGood.js';
import type { Release } from '../core/release.js';
import { findLastKnownGood, releaseHere, scopeOf, type LedgerScope } from './ledgerLookups.js';

/**
 * What a saved plan was made from, so that carrying it out later can tell whether the ledger
 * moved: the releases that decide it. Not every release of the environment (a ledger of years is
 * read by indexed queries only), but the newest one (any new release changes it), the live one,
 * the two the plan goes between, every release between them and the last known good before the
 * one rolled back. If any of their facts changes, the plan is stale.
 */
export function planBasis(releases: readonly Release[], fromId: string, toId: string): Release[] {
  const from = releases.findIndex((r) => r.id === fromId);
  const to = releases.findIndex((r) => r.id === toId);
  const between = from !== -1 && to > from ? releases.slice(from + 1, to) : [];
  const good = from === -1 ? undefined : lastKnownGood(releases, releases[from]);
  const kept = new Set([releases[0], liveRelease(releases), releases[from], releases[to], good, ...between].map((r) => r?.id));
  return releases.filter((r) => kept.has(r.id));
}

/** A digest of releases, with the fields that decide a plan's target. */
export function ledgerDigest(releases: readonly Release[]): string {
  const facts = releases.map((r) => [r.id, r.version, r.sha, r.status, r.verifiedAt, r.markedBadAt, r.activatedAt]);
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 16);
}

/** How many of the newest releases a stale plan's message looks at for what changed. */
const NEWEST = 20;

/**
 * The releases a plan between `fromId` and `toId` is judged by now, read again from the ledger:
 * its basis (planBasis picks it out) and the newest few, newest first.
 */
export async function basisNow(deps: LedgerScope, fromId: string, toId: string): Promise<Release[]> {
  const scope = scopeOf(deps);
  const [newest, live, from, to] = await Promise.all([
    deps.ledger.listReleases({ ...scope, limit: NEWEST }),
    deps.ledger.liveRelease(scope),
    releaseHere(deps, fromId),
    releaseHere(deps, toId),
  ]);
  const good = from ? await findLastKnownGood(deps, from) : undefined;
  const found = [...newest, live, from, to, good].filter((r): r is Release => r !== undefined);
  const ordered = await deps.ledger.listReleases({ ...scope, ids: found.map((r) => r.id) });
  const top = ordered.findIndex((r) => r.id === fromId);
  const bottom = ordered.findIndex((r) => r.id === toId);
  if (top === -1 || bottom <= top) return ordered;
  const range = await deps.ledger.listReleases({ ...scope, after: toId, before: fromId });
  return [...ordered.slice(0, top + 1), ...range, ...ordered.slice(bottom)];
}

