/**
 * Waiting for a rollout like kubectl (rolloutState), then deciding like
 * rewind: every ready pod of the Deployment's current ReplicaSet runs the
 * target's image (its recorded digest, for a rollback). One line of evidence,
 * or VERIFY_FAILED saying which revision the Deployment is at now.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { RewindError } from '../../core/errors.js';
import { parseRelease } from './artifact.js';
import type { KubeContext } from './context.js';
import { currentRevision, digestOf, readDeployment, REVISION } from './deployment.js';
import { imageOf } from './imageVersion.js';
import { rolloutState } from './rolloutState.js';

const POLL_MS = 200;

export async function waitRolledOut(ctx: KubeContext): Promise<V1Deployment> {
  const deadline = ctx.clock.now().getTime() + ctx.config.timeout;
  for (;;) {
    const { deployment } = await readDeployment(ctx);
    const state = rolloutState(deployment);
    const revision = deployment.metadata?.annotations?.[REVISION] ?? '?';
    if (state.state === 'done') return deployment;
    if (state.state === 'failed') {
      throw notRolledOut(`${state.message}; the Deployment is at revision ${revision}; ${conditionsOf(deployment)}`);
    }
    if (ctx.clock.now().getTime() >= deadline) {
      throw notRolledOut(`the rollout did not finish within kubernetes.timeout: ${state.message}; ` +
        `the Deployment is at revision ${revision}`);
    }
    await ctx.sleep(POLL_MS);
  }
}

export async function confirmRollout(ctx: KubeContext, version: string, artifact: string | null): Promise<string> {
  const deployment = await waitRolledOut(ctx);
  const cluster = await ctx.cluster();
  const { revision, ready: pods, container } = await currentRevision(ctx, cluster, deployment);
  const recorded = parseRelease(artifact)?.digest ?? null;
  const image = imageOf(ctx.config.image, version);
  const digests = new Set<string>();
  for (const pod of pods) {
    const status = pod.status?.containerStatuses?.find((c) => c.name === container);
    const digest = digestOf(status?.imageID);
    const named = pod.metadata?.name ?? 'a pod';
    if (!digest) throw notRolledOut(`${named} reports no image digest for ${container}`);
    if (recorded && digest !== recorded) throw notRolledOut(`${named} runs ${digest}, not ${recorded} that ${version} ran when verified`);
    if (!recorded && status?.image !== undefined && !sameImage(status.image, image)) {
      throw notRolledOut(`${named} runs ${status.image}, not ${image}`);
    }
    digests.add(digest);
  }
  if (pods.length === 0) throw notRolledOut(`no pod of revision ${revision} is ready`);
  if (digests.size > 1) throw notRolledOut(`the ready pods of revision ${revision} run different images: ${[...digests].join(', ')}`);
  const desired = deployment.spec?.replicas ?? 1;
  return `revision ${revision} rolled out (${pods.length} of ${desired} pods ready), every ready pod runs ` +
    `${[...digests][0]?.slice(0, 19)}; ${conditionsOf(deployment)}`;
}

/** The rollout's conditions as the report's timeline shows them: `Available=True (MinimumReplicasAvailable)`. */
export function conditionsOf(deployment: V1Deployment): string {
  const shown = (deployment.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`);
  return `conditions: ${shown.join(', ') || 'none reported'}`;
}

/** The runtime may report the image with a registry or tag made explicit (`docker.io/library/...`). */
function sameImage(reported: string, wanted: string): boolean {
  return reported === wanted || reported.endsWith(`/${wanted}`) || reported.startsWith(`${wanted}@`);
}

function notRolledOut(why: string): RewindError {
  return new RewindError('VERIFY_FAILED', why);
}
