/**
 * The `kubernetes` driver: one Deployment in one namespace, for the whole
 * environment. A deploy sets the container's image and waits for the
 * rollout; a verified release records its revision, template hash, image
 * digest and ConfigMaps; a rollback writes that revision's template back
 * (its ConfigMaps first) and proves every ready pod runs the recorded digest.
 */
import type { Driver } from '../../core/driver.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import { parseRelease } from './artifact.js';
import { assessTarget } from './assess.js';
import type { KubeContext } from './context.js';
import { containerOf, readDeployment, revisionsOf } from './deployment.js';
import { imageOf } from './imageVersion.js';
import { inspectDeployment } from './inspect.js';
import { confirmRollout } from './rollout.js';
import { settledRelease } from './settle.js';
import { snapshotDeployment } from './snapshot.js';
import { switchDeployment } from './switch.js';

export type { KubeContext } from './context.js';

export function createKubernetesDriver(ctx: KubeContext): Driver {
  return {
    kind: 'kubernetes',

    inspect: () => inspectDeployment(ctx),

    async prepare(version, options) {
      assertSafeName(version, 'version');
      // Nothing to make: the image is the registry's, the template the cluster's. Check both exist before anything switches.
      const { cluster, deployment } = await readDeployment(ctx);
      containerOf(ctx, deployment.spec?.template);
      const recorded = parseRelease(options?.run?.targetArtifact);
      if (recorded) {
        const found = (await revisionsOf(cluster, deployment)).some((r) => r.templateHash === recorded.templateHash);
        if (found) return { version, sha: null, artifact: options?.run?.targetArtifact as string, reused: true };
      }
      return { version, sha: null, artifact: imageOf(ctx.config.image, version), reused: true };
    },

    async isPresent(version, artifact) {
      if (!isSafeName(version)) return false;
      const recorded = parseRelease(artifact);
      if (!recorded) return true;
      const { cluster, deployment } = await readDeployment(ctx);
      return (await revisionsOf(cluster, deployment)).some((r) => r.templateHash === recorded.templateHash);
    },

    async activate(version, run) {
      assertSafeName(version, 'version');
      return switchDeployment(ctx, version, run);
    },

    async describeActivate(version) {
      assertSafeName(version, 'version');
      return `would write ${version}'s pod template into deployment ${ctx.config.deployment} and wait for the rollout`;
    },

    // The cluster prunes old ReplicaSets itself (revisionHistoryLimit); rewind removes nothing there.
    prune: async () => [],

    confirmRunning: (version, artifact) => confirmRollout(ctx, version, artifact),

    assess: (version, artifact) => assessTarget(ctx, version, artifact),

    settledArtifact: (version) => settledRelease(ctx, version),

    snapshot: (dir) => snapshotDeployment(ctx, dir),

    vars: async () => ({}),
  };
}
