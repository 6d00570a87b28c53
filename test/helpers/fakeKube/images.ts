/**
 * What the fake's nodes know about images: the digest a pulled image resolves to (by default the sha256 of the
 * image reference itself, so each tag has its own), and which images are broken (their containers never get ready).
 */
import { createHash } from 'node:crypto';

export class ImageCatalog {
  private readonly digests = new Map<string, string>();
  private readonly broken = new Set<string>();

  /** `sha256:<hex>` or bare hex. */
  setDigest(image: string, digest: string): void {
    this.digests.set(image, digest.replace(/^sha256:/, ''));
  }

  /** The hex digest (no `sha256:`): pinned by the reference, set by the test, or the sha256 of the reference. */
  digestOf(image: string): string {
    const pinned = /@sha256:([0-9a-f]{64})$/.exec(image);
    if (pinned?.[1]) return pinned[1];
    return this.digests.get(image) ?? createHash('sha256').update(image).digest('hex');
  }

  markBroken(image: string, broken = true): void {
    if (broken) this.broken.add(image);
    else this.broken.delete(image);
  }

  isBroken(image: string): boolean {
    return this.broken.has(image);
  }

  /** containerStatuses[].imageID, as the kubelet with Docker reports it. */
  imageId(image: string): string {
    return `docker-pullable://${repositoryOf(image)}@sha256:${this.digestOf(image)}`;
  }
}

/** The reference without its tag or digest: `registry:5000/app:v1` → `registry:5000/app`. */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}
