/** What the Deployment runs now: the version its container's image names, its revision, ready and desired pods. */
import type { LiveState } from '../../core/driver.js';
import { blockers } from './blocked.js';
import type { KubeContext } from './context.js';
import { containerOf, readDeployment, REVISION } from './deployment.js';
import { versionOfImage } from './imageVersion.js';
import { rolloutState } from './rolloutState.js';

export async function inspectDeployment(ctx: KubeContext): Promise<LiveState> {
  const { deployment } = await readDeployment(ctx);
  const container = containerOf(ctx, deployment.spec?.template);
  const version = versionOfImage(ctx.config.image, container.image);
  const revision = deployment.metadata?.annotations?.[REVISION] ?? '?';
  const ready = deployment.status?.readyReplicas ?? 0;
  const desired = deployment.spec?.replicas ?? 1;
  const problems = [...blockers(deployment)];
  if (version === null) problems.push(`${container.name} runs ${container.image ?? 'no image'}, which kubernetes.image does not name`);
  const state = rolloutState(deployment);
  if (state.state === 'failed') problems.push(state.message);
  return { version, artifact: `revision ${revision}, ${container.image ?? '?'}, ${ready}/${desired} ready`, problems };
}
