import type { Release } from '../release.js';

export interface MigrationToRevert {
  id: string;
  /** The version whose deploy applied it. */
  appliedBy: string;
}

/**
 * The migrations a rollback from `failed` to `target` reverts: those applied
 * by the releases newer than the target up to and including the failed one,
 * that are still applied now, newest first (the reverse of the order they
 * were applied in). `releases` are newest first, as the ledger lists them.
 */
export function migrationsToRevert(
  releases: readonly Release[],
  failedId: string,
  targetId: string,
  appliedNow: readonly string[],
): MigrationToRevert[] {
  const from = releases.findIndex((r) => r.id === failedId);
  const to = releases.findIndex((r) => r.id === targetId);
  if (from === -1 || to === -1 || to <= from) return [];
  const appliedBy = new Map<string, string>();
  // Oldest first, so that an id applied twice (a redeploy) is owned by the newest release.
  for (const release of releases.slice(from, to).reverse()) for (const id of release.migrations) appliedBy.set(id, release.version);
  return [...appliedNow].reverse().filter((id) => appliedBy.has(id)).map((id) => ({ id, appliedBy: appliedBy.get(id) as string }));
}
