/**
 * The switch: for a deploy, the container's image set to the version's; for
 * a rollback to a recorded release, its ConfigMaps put back first, then the
 * pod template of its ReplicaSet (found by template hash) written into the
 * Deployment, as `kubectl rollout undo` does, with the Deployment's own
 * annotations (last-applied-configuration included) left as they are. The
 * waiting is verification's (see rollout.ts): a rollout that never finishes
 * is a release that failed, and a deploy's automatic rollback takes it back.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { RunContext } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { parseRelease } from './artifact.js';
import { refuseBlocked } from './blocked.js';
import { restoreConfigMaps } from './configMaps.js';
import type { KubeContext } from './context.js';
import { asDeploymentTemplate, clusterError, containerOf, readDeployment, revisionsOf } from './deployment.js';
import { imageOf } from './imageVersion.js';
import { replaceRetrying } from './replace.js';

export async function switchDeployment(ctx: KubeContext, version: string, run?: RunContext): Promise<string> {
  const { cluster, deployment } = await readDeployment(ctx);
  refuseBlocked(deployment);
  const recorded = parseRelease(run?.targetArtifact);
  const name = ctx.config.deployment;
  const namespace = cluster.namespace;
  let change: (live: V1Deployment) => V1Deployment | null;
  let said: string;
  const restored: string[] = [];
  if (recorded) {
    const target = (await revisionsOf(cluster, deployment)).find((r) => r.templateHash === recorded.templateHash);
    if (!target) {
      throw new RewindError('STEP_FAILED', `the ReplicaSet of ${version} (template ${recorded.templateHash}) is gone; nothing was patched`);
    }
    restored.push(...(await restoreConfigMaps(ctx, version, recorded.configMaps)));
    const template = asDeploymentTemplate(target.template);
    change = (live) => ({ ...live, spec: { ...live.spec, template } as V1Deployment['spec'] });
    said = `the template of revision ${target.revision} (${recorded.templateHash})`;
  } else {
    const image = imageOf(ctx.config.image, version);
    const container = containerOf(ctx, deployment.spec?.template).name;
    change = (live) => {
      const copy = structuredClone(live);
      const target = copy.spec?.template.spec?.containers.find((c) => c.name === container);
      if (!target) return null;
      if (target.image === image) return null;
      target.image = image;
      return copy;
    };
    said = `image ${image} for container ${container}`;
  }
  const written = await replaceRetrying(
    async () => (await readDeployment(ctx)).deployment,
    (live) => {
      refuseBlocked(live);
      return change(live);
    },
    (body) => cluster.apps.replaceNamespacedDeployment({ name, namespace, body }),
  ).catch((error: unknown) => {
    if (error instanceof RewindError) throw error;
    throw clusterError(cluster, error, `deployment ${name} in namespace ${namespace} (writing it)`);
  });
  const maps = restored.length > 0 ? `; ConfigMaps put back: ${restored.join(', ')}` : '';
  if (!written) return `deployment ${name} already has ${said}${maps}`;
  return `deployment ${name}: ${said} applied (generation ${written.metadata?.generation ?? '?'})${maps}`;
}
