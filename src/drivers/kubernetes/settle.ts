/** A verified release as the cluster knows it: revision, template hash, the pods' digest, and the recorded ConfigMaps. */
import { formatRelease } from './artifact.js';
import { recordConfigMaps } from './configMaps.js';
import type { KubeContext } from './context.js';
import { currentRevision, digestOf, readDeployment } from './deployment.js';

export async function settledRelease(ctx: KubeContext, version: string): Promise<string> {
  const { cluster, deployment } = await readDeployment(ctx);
  const { revision, templateHash = 'unknown', ready, container } = await currentRevision(ctx, cluster, deployment);
  const digests = ready.map((p) => digestOf(p.status?.containerStatuses?.find((c) => c.name === container)?.imageID));
  const digest = digests.find((d) => d !== null) ?? null;
  const configMaps = await recordConfigMaps(ctx, version);
  return formatRelease({ deployment: ctx.config.deployment, revision, templateHash, digest, configMaps });
}
