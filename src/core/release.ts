/**
 * A release is one version deployed to one environment.
 *
 * Lifecycle: `deploying` while it is made; `live` once `current` points at it;
 * `verified` when it is live and passed verification; `superseded` when another
 * release went live after it; `failed` when it failed to build or to verify;
 * `rolled_back` when a rollback took the environment away from it.
 * Whether a release ever passed verification is kept apart from its status
 * (`verifiedAt`), because a superseded release can still be the last known good.
 */
export type ReleaseStatus = 'deploying' | 'live' | 'verified' | 'failed' | 'rolled_back' | 'superseded';

export const RELEASE_STATUSES: readonly ReleaseStatus[] = [
  'deploying', 'live', 'verified', 'failed', 'rolled_back', 'superseded',
];

export interface Release {
  id: string;
  app: string;
  env: string;
  version: string;
  sha: string | null;
  /** Where the driver keeps it: a release dir, an image, a tag. */
  artifact: string | null;
  status: ReleaseStatus;
  deployedBy: string;
  deployedAt: string;
  verifiedAt: string | null;
  /** Set when the release failed verification or was rolled back from: it is never a rollback target again by default. */
  markedBadAt: string | null;
  /**
   * When `current` last switched to this release. The ledger's live release is
   * the one switched to most recently, whatever its status: a release that
   * failed verification and stayed current is still what runs.
   */
  activatedAt: string | null;
  /** Migration ids this release applied. */
  migrations: string[];
  /** Which system made the deployment: `rewind` or whatever `record` was told. */
  source: string;
  /**
   * Set when `rewind ledger rebuild` re-created the release after the ledger was
   * lost: its status is what the targets and reports still showed, not what
   * rewind saw happen. Absent for releases recorded as they happened.
   */
  rebuiltAt?: string | null;
  /**
   * When the deployed commit was made (its committer date), when the source knew the sha and
   * could tell: the start of lead time for changes. Absent or null when unknown.
   */
  committedAt?: string | null;
}

export type ReleasePatch = Partial<
  Pick<Release, 'status' | 'sha' | 'artifact' | 'verifiedAt' | 'markedBadAt' | 'activatedAt' | 'migrations' | 'committedAt'>
>;

/** The statuses that mean "this is what the ledger believes is running". */
export function isLiveStatus(status: ReleaseStatus): boolean {
  return status === 'live' || status === 'verified';
}

export function isBad(release: Release): boolean {
  return release.markedBadAt !== null || release.status === 'failed' || release.status === 'rolled_back';
}
