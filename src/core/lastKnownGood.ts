import { isBad, type Release } from './release.js';

/**
 * The last known good release: the newest release older than `failed` that
 * passed verification and was never marked bad. A release of the same
 * version as the failed one is skipped: going "back" to the same code fixes
 * nothing.
 *
 * `releases` must be newest first, as the ledger returns them.
 */
export function lastKnownGood(releases: readonly Release[], failed: Release | undefined): Release | undefined {
  const start = failed ? releases.findIndex((r) => r.id === failed.id) + 1 : 0;
  if (failed && start === 0) return undefined;
  return releases
    .slice(start)
    .find((r) => r.verifiedAt !== null && !isBad(r) && r.version !== failed?.version);
}

/**
 * The release the ledger believes is running: the one `current` switched to
 * most recently, whatever its status (a failed release can stay current).
 */
export function liveRelease(releases: readonly Release[]): Release | undefined {
  let live: Release | undefined;
  for (const release of releases) {
    if (release.activatedAt !== null && (live === undefined || release.activatedAt > (live.activatedAt as string))) live = release;
  }
  return live;
}
