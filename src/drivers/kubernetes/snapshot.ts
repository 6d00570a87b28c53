/**
 * What the cluster runs before a rollback switches, for the post-mortem: the
 * Deployment, its ReplicaSets, and the events about them (when the role may
 * list events). The pods' logs are the diagnostics' business.
 */
import { join } from 'node:path';
import type { KubeContext } from './context.js';
import { readDeployment, selectorOf } from './deployment.js';

export async function snapshotDeployment(ctx: KubeContext, dir: string): Promise<string[]> {
  const { cluster, deployment } = await readDeployment(ctx);
  const namespace = cluster.namespace;
  const replicaSets = (await cluster.apps.listNamespacedReplicaSet({ namespace, labelSelector: selectorOf(deployment) })).items;
  const events = await cluster.core.listNamespacedEvent({ namespace }).then((list) => list.items, () => []);
  const names = new Set([deployment.metadata?.name, ...replicaSets.map((r) => r.metadata?.name)]);
  const about = events.filter((e) => names.has(e.involvedObject?.name));
  const written: string[] = [];
  await ctx.files.mkdir(dir);
  for (const [file, value] of [['kubernetes-deployment.json', deployment], ['kubernetes-replicasets.json', replicaSets],
    ['kubernetes-events.json', about]] as const) {
    const path = join(dir, file);
    await ctx.files.writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
    written.push(path);
  }
  return written;
}
