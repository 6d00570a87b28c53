/**
 * The `docker` driver: one container per host (docker.container), switched
 * between images through the Engine API (see switch.ts for the order); for
 * blue/green, one per slot (`<docker.container>-<slot>`), each switched alone.
 * A release is an image: prepare makes sure the engine has it and records
 * its image ID, which a rollback goes by instead of the tag.
 */
import type { Driver, PreparedRelease } from '../../core/driver.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import { keptContainers } from './containers.js';
import type { DockerContext } from './context.js';
import { where } from './context.js';
import { imageGone, presentImage } from './image.js';
import { imageFor, pullable } from './imageRef.js';
import { confirmImage, inspectContainer } from './inspect.js';
import { pruneContainers } from './prune.js';
import { pullImage } from './pull.js';
import { describeSwitch } from './describe.js';
import { stopContainer } from './stop.js';
import { switchContainer } from './switch.js';

export type { DockerContext } from './context.js';

export function createDockerDriver(ctx: DockerContext): Driver {
  return {
    kind: 'docker',

    inspect: () => inspectContainer(ctx),

    async prepare(version, options): Promise<PreparedRelease> {
      assertSafeName(version, 'version');
      const recorded = options?.run?.targetArtifact;
      const present = await presentImage(ctx, version, recorded);
      if (present) return { version, sha: revisionOf(present.info.Config?.Labels), artifact: present.id, reused: true };
      if (recorded) throw imageGone(ctx, version, recorded);
      const pulled = await pullImage(await ctx.engine(), imageFor(ctx.config.image, version), where(ctx));
      return { version, sha: revisionOf(pulled.Config?.Labels), artifact: pulled.Id, reused: false };
    },

    async isPresent(version, artifact) {
      if (!isSafeName(version)) return false;
      if (await presentImage(ctx, version, artifact)) return true;
      // An image is not made again from a source: the plan refuses rather than fetch whatever the tag names now.
      if (artifact) throw imageGone(ctx, version, artifact);
      return false;
    },

    async activate(version, run) {
      assertSafeName(version, 'version');
      return switchContainer(ctx, version, run);
    },

    async describeActivate(version) {
      assertSafeName(version, 'version');
      return describeSwitch(ctx, version, pullable(imageFor(ctx.config.image, version)));
    },

    prune: (protect) => pruneContainers(ctx, protect),

    confirmRunning: (version, artifact) => confirmImage(ctx, version, artifact),

    kept: async () => (await keptContainers(await ctx.engine(), ctx.container))
      .map((c) => ({ version: c.version, artifact: c.image, name: c.name, since: c.keptAt, failed: c.failed })),

    stop: () => stopContainer(ctx),

    vars: async () => ({}),
  };
}

/** The commit an image says it was built from (the OCI label), when it says. */
function revisionOf(labels: Record<string, string> | null | undefined): string | null {
  const revision = labels?.['org.opencontainers.image.revision'];
  return revision && /^[0-9a-f]{7,64}$/.test(revision) ? revision : null;
}
