/** A verified release as the cluster knows it: revision, template hash, the pods' digest, and the recorded ConfigMaps. */
import { formatRelease } from './artifact.js';
import { recordConfigMaps } from './configMaps.js';
import type { KubeContext } from './context.js';
import { containerOf, digestOf, isReady, podsOf, readDeployment, REVISION, revisionsOf } from './deployment.js';

export async function settledRelease(ctx: KubeContext, version: string): Promise<string> {
  const { cluster, deployment } = await readDeployment(ctx);
  const revision = Number(deployment.metadata?.annotations?.[REVISION] ?? 0);
  const current = (await revisionsOf(cluster, deployment)).find((r) => r.revision === revision);
  const container = containerOf(ctx, deployment.spec?.template).name;
  const pods = (await podsOf(cluster, deployment, current?.templateHash)).filter(isReady);
  const digests = pods.map((p) => digestOf(p.status?.containerStatuses?.find((c) => c.name === container)?.imageID));
  const digest = digests.find((d) => d !== null) ?? null;
  const configMaps = await recordConfigMaps(ctx, version);
  const templateHash = current?.templateHash ?? 'unknown';
  return formatRelease({ deployment: ctx.config.deployment, revision, templateHash, digest, configMaps });
}
