import type { Release } from '../release.js';

const WEEK_MS = 604_800_000;

/**
 * Deploys per week over the `weeks` weeks up to `now`, oldest first: what an
 * overview's sparkline draws. Releases that never went live (a failed build)
 * are not deploys, as in deploymentFrequency.
 */
export function weeklyDeploys(releases: readonly Release[], now: Date, weeks: number): number[] {
  const counts = new Array<number>(weeks).fill(0);
  const end = now.getTime();
  for (const release of releases) {
    if (release.activatedAt === null && release.verifiedAt === null) continue;
    const age = end - Date.parse(release.deployedAt);
    const index = weeks - 1 - Math.floor(age / WEEK_MS);
    if (index >= 0 && index < weeks) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}
