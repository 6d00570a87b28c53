/**
 * The artifact recorded on a release: `<store>/<version>.tar.gz sha256:<hex>`.
 * A rollback gets it back from the ledger, and restores only a tarball whose
 * bytes still have that sha256.
 */
export interface RecordedArchive {
  tarball: string;
  sha256: string;
}

const ARTIFACT = /^(.+) sha256:([0-9a-f]{64})$/;

export function formatArtifact(archive: RecordedArchive): string {
  return `${archive.tarball} sha256:${archive.sha256}`;
}

/** The recorded archive, or null when the artifact is absent or not one of this driver's. */
export function parseArtifact(artifact: string | null | undefined): RecordedArchive | null {
  const match = ARTIFACT.exec(artifact ?? '');
  return match ? { tarball: match[1] as string, sha256: match[2] as string } : null;
}

/** The first 12 hex digits, for messages that must stay one readable line. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}
