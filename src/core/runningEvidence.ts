import { shaMatches } from './healthVerdict.js';
import type { Release } from './release.js';

/**
 * What one host was seen running, from two sources that can disagree: where `current` points (the
 * driver's inspect) and what the app itself reports on its health endpoint. A run killed between
 * its switch and its reload leaves `current` on one release and the app serving another; a hand
 * can repoint `current`. The ledger is a third opinion, and the weakest: it says what rewind did.
 */
export interface HostEvidence {
  host: string;
  /** The version `current` points at; null when the host could not be inspected or nothing is deployed. */
  current: string | null;
  /**
   * The version of the ledger release the app reports it was built from; null when there is no such
   * evidence (no probe configured, no answer, or a build the ledger does not know).
   */
  serves: string | null;
}

/** Every version seen running, `current` or served, each once, in the order the hosts were listed. */
export function versionsSeen(evidence: readonly HostEvidence[]): string[] {
  const seen = evidence.flatMap((h) => [h.current, h.serves]).filter((v): v is string => v !== null);
  return [...new Set(seen)];
}

/**
 * The ledger release an app's reported build belongs to: the value is its version or its commit
 * sha. Several can match (one commit deployed under two versions, or a version deployed twice):
 * the one `current` points at on that host is the likelier, else the newest.
 * `releases` must be newest first, as the ledger returns them.
 */
export function releaseServing(releases: readonly Release[], reported: string, current: string | null): Release | undefined {
  const matching = releases.filter((r) => r.version === reported || (r.sha !== null && shaMatches(reported, r.sha)));
  return matching.find((r) => r.version === current) ?? matching[0];
}

/** One line per host whose app serves another release than its `current` points at (both known). */
export function servedElsewhere(evidence: readonly HostEvidence[]): string[] {
  const prefix = evidence.length > 1;
  return evidence
    .filter((h) => h.current !== null && h.serves !== null && h.current !== h.serves)
    .map((h) => `${prefix ? `${h.host}: ` : ''}current is ${h.current} but the app serves ${h.serves}`);
}

/** What `current` says across the hosts: `v2`, or `web1 v2, web2 nothing` when they disagree. */
export function describeCurrents(evidence: readonly HostEvidence[]): string {
  const versions = new Set(evidence.map((h) => h.current));
  if (versions.size <= 1) return [...versions][0] ?? 'nothing';
  return evidence.map((h) => `${h.host} ${h.current ?? 'nothing'}`).join(', ');
}
