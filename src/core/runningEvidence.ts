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
  /**
   * The build the app reported (its version or sha, as it said it): null when it said none or did
   * not answer; absent when it was not asked (no health check, or one that reports no build).
   */
  reported?: string | null;
  /** Why the host could not be inspected; absent when it was. Its `current` is then unknown, never "nothing". */
  cannotInspect?: string;
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

/** What `current` says across the hosts: `v2`, or `web1 v2, web2 unknown` when they disagree or one could not be inspected. */
export function describeCurrents(evidence: readonly HostEvidence[]): string {
  const said = (h: HostEvidence) => (h.cannotInspect !== undefined ? 'unknown' : (h.current ?? 'nothing'));
  const versions = new Set(evidence.map(said));
  if (versions.size <= 1) return [...versions][0] ?? 'nothing';
  return evidence.map((h) => `${h.host} ${said(h)}`).join(', ');
}

/**
 * Does a host disagree with the ledger? Its `current` is not the release the ledger says is live
 * (`expected`), or its app serves another release than `current`, or a build no release is.
 * A host that could not be inspected is not drift: nothing was seen to disagree (see cannotInspect).
 */
export function disagrees(host: HostEvidence, expected: string | null): boolean {
  if (host.cannotInspect !== undefined) return false;
  if (host.current !== expected) return true;
  if (host.serves !== null) return host.serves !== host.current;
  return host.reported !== undefined && host.reported !== null;
}

/**
 * Where the ledger, `current` and the app disagree: one line per host that does, naming all three
 * (`the ledger says v2 is live, current is v2, the app serves v3`). `expected` is what `current`
 * is held to, when it is not the ledger's live version (a plan with nothing live holds it to the
 * release rolled back).
 */
export function driftLines(evidence: readonly HostEvidence[], ledger: string | null, expected: string | null = ledger): string[] {
  const prefix = evidence.length > 1;
  return evidence
    .filter((h) => disagrees(h, expected))
    .map((h) => `${prefix ? `${h.host}: ` : ''}${threeWay(ledger, h)}`);
}

/** The three opinions about one host, in one line. */
export function threeWay(ledger: string | null, host: HostEvidence): string {
  const said = ledger === null ? 'the ledger says nothing is live' : `the ledger says ${ledger} is live`;
  const current = host.cannotInspect !== undefined ? 'current cannot be inspected' : `current is ${host.current ?? 'nothing'}`;
  return `${said}, ${current}, ${appSays(host)}`;
}

function appSays(host: HostEvidence): string {
  if (host.serves !== null) return `the app serves ${host.serves}`;
  if (host.reported === undefined) return 'the app was not asked';
  if (host.reported === null) return 'the app did not say which build it serves';
  return `the app serves ${host.reported}, which is no release in the ledger`;
}

/** One line per host that could not be inspected, with why: its own state, never "runs nothing". */
export function uninspected(evidence: readonly HostEvidence[]): string[] {
  const prefix = evidence.length > 1;
  return evidence
    .filter((h) => h.cannotInspect !== undefined)
    .map((h) => `${prefix ? `${h.host}: ` : ''}cannot inspect: ${h.cannotInspect}`);
}

/**
 * What a host really runs: the release its app reports serving, else what `current` points at (the
 * app was not asked, or did not answer); null when nothing is deployed. Undefined when the host
 * could not be inspected: its state is unknown, whatever its app said (shown beside it).
 */
export function runningOn(host: HostEvidence): string | null | undefined {
  if (host.cannotInspect !== undefined) return undefined;
  return host.serves ?? host.current;
}
