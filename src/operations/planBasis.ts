import { createHash } from 'node:crypto';
import type { Release } from '../core/release.js';

/**
 * A digest of what a plan was made from: every release of the environment
 * with the fields that decide the target. If any of them changes, a saved
 * plan is stale and must not be carried out.
 */
export function ledgerDigest(releases: readonly Release[]): string {
  const facts = releases.map((r) => [r.id, r.version, r.sha, r.status, r.verifiedAt, r.markedBadAt, r.activatedAt]);
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 16);
}
