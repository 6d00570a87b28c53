/**
 * What a release is on a cluster, as the ledger keeps it in the release's
 * artifact: the Deployment's revision, the pod-template hash (which names
 * the ReplicaSet that holds the template), the image digest the pods ran,
 * and the recorded ConfigMaps with their content digests. One line a human
 * can read, and that parses back. Pure.
 */
export interface ClusterRelease {
  deployment: string;
  revision: number;
  templateHash: string;
  /** `sha256:...` of the image the ready pods ran, when they reported one. */
  digest: string | null;
  configMaps: Array<{ name: string; digest: string }>;
}

export function formatRelease(r: ClusterRelease): string {
  const maps = r.configMaps.length > 0 ? ` configmaps ${r.configMaps.map((c) => `${c.name}=${c.digest}`).join(',')}` : '';
  return `deployment ${r.deployment} revision ${r.revision} template ${r.templateHash} digest ${r.digest ?? 'unknown'}${maps}`;
}

const LINE = /^deployment (\S+) revision (\d+) template (\S+) digest (\S+)(?: configmaps (\S+))?$/;

/** The recorded release, or null for an artifact that is not one (an image ref recorded before the rollout). */
export function parseRelease(artifact: string | null | undefined): ClusterRelease | null {
  const match = artifact ? LINE.exec(artifact) : null;
  if (!match) return null;
  const [, deployment, revision, templateHash, digest, maps] = match as unknown as [string, string, string, string, string, string?];
  return {
    deployment,
    revision: Number(revision),
    templateHash,
    digest: digest === 'unknown' ? null : digest,
    configMaps: (maps ?? '').split(',').filter((m) => m !== '').map((m) => {
      const at = m.indexOf('=');
      return { name: m.slice(0, at), digest: m.slice(at + 1) };
    }),
  };
}
