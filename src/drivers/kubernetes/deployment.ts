/** The Deployment, its container, its ReplicaSets (revisions) and pods, read from the cluster. */
import type { V1Container, V1Deployment, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { RewindError } from '../../core/errors.js';
import { apiSaid, statusOf, type Cluster } from './cluster.js';
import type { KubeContext } from './context.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const TEMPLATE_HASH = 'pod-template-hash';

export interface Revision {
  name: string;
  revision: number;
  templateHash: string;
  template: V1PodTemplateSpec;
  replicas: number;
}

export async function readDeployment(ctx: KubeContext): Promise<{ cluster: Cluster; deployment: V1Deployment }> {
  const cluster = await ctx.cluster();
  const { deployment: name } = ctx.config;
  try {
    return { cluster, deployment: await cluster.apps.readNamespacedDeployment({ name, namespace: cluster.namespace }) };
  } catch (error) {
    throw clusterError(cluster, error, `deployment ${name} in namespace ${cluster.namespace}`);
  }
}

/** A refusal or a missing object, in one line naming what and where. */
export function clusterError(cluster: Cluster, error: unknown, what: string): RewindError {
  const status = statusOf(error);
  if (status === 404) {
    return new RewindError('CONFIG_INVALID', `${cluster.label}: there is no ${what}`, { field: 'kubernetes.deployment' });
  }
  const code = status === 401 || status === 403 ? 'CONFIG_INVALID' : 'STEP_FAILED';
  return new RewindError(code, `${cluster.label}: cannot read ${what}: ${apiSaid(error)}`, { status });
}

export function containerOf(ctx: KubeContext, template: V1PodTemplateSpec | undefined): V1Container {
  const containers = template?.spec?.containers ?? [];
  const wanted = ctx.config.container;
  const found = wanted === undefined ? containers[0] : containers.find((c) => c.name === wanted);
  if (!found) {
    const names = containers.map((c) => c.name).join(', ') || 'none';
    throw new RewindError('CONFIG_INVALID', `deployment ${ctx.config.deployment} has no container ${JSON.stringify(wanted)} ` +
      `(its containers: ${names})`, { field: 'kubernetes.container' });
  }
  return found;
}

/** The ReplicaSets the Deployment owns, newest revision first: the revisions the cluster still has. */
export async function revisionsOf(cluster: Cluster, deployment: V1Deployment): Promise<Revision[]> {
  const query = { namespace: cluster.namespace, labelSelector: selectorOf(deployment) };
  const listed = (await cluster.apps.listNamespacedReplicaSet(query)).items;
  const uid = deployment.metadata?.uid;
  return listed
    .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o) => o.uid === uid))
    .map((rs) => ({
      name: rs.metadata?.name ?? '',
      revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0),
      templateHash: rs.metadata?.labels?.[TEMPLATE_HASH] ?? '',
      template: rs.spec?.template ?? {},
      replicas: rs.status?.replicas ?? 0,
    }))
    .sort((a, b) => b.revision - a.revision);
}

export async function podsOf(cluster: Cluster, deployment: V1Deployment, templateHash?: string): Promise<V1Pod[]> {
  const selector = [selectorOf(deployment), ...(templateHash ? [`${TEMPLATE_HASH}=${templateHash}`] : [])].join(',');
  return (await cluster.core.listNamespacedPod({ namespace: cluster.namespace, labelSelector: selector })).items;
}

/** The revision the Deployment is at, its template hash, and the ready pods of that ReplicaSet with the version's container. */
export async function currentRevision(ctx: KubeContext, cluster: Cluster, deployment: V1Deployment) {
  const revision = Number(deployment.metadata?.annotations?.[REVISION] ?? 0);
  const current = (await revisionsOf(cluster, deployment)).find((r) => r.revision === revision);
  const ready = (await podsOf(cluster, deployment, current?.templateHash)).filter(isReady);
  return { revision, templateHash: current?.templateHash, ready, container: containerOf(ctx, deployment.spec?.template).name };
}

export function selectorOf(deployment: V1Deployment): string {
  return Object.entries(deployment.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/** The template a ReplicaSet holds, as a Deployment's: without the hash label the controller adds. */
export function asDeploymentTemplate(template: V1PodTemplateSpec): V1PodTemplateSpec {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[TEMPLATE_HASH];
  return { ...template, metadata: { ...template.metadata, labels } };
}

export function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** `sha256:...` from a container status's imageID (`docker-pullable://repo@sha256:...`). */
export function digestOf(imageID: string | undefined): string | null {
  const at = imageID?.lastIndexOf('@sha256:') ?? -1;
  if (imageID && at >= 0) return imageID.slice(at + 1);
  return imageID?.startsWith('sha256:') ? imageID : null;
}
