/**
 * Pruning keeps what a rollback needs: the live container, the kept
 * containers of protected versions (the last known good), and the newest
 * `keep` kept containers; older ones go, and their images with them when no
 * container left uses them. An image still used by any container is never
 * removed (the engine refuses, and so does rewind).
 */
import type Dockerode from 'dockerode';
import { containerNamed, keptContainers, versionOf, type KeptContainer } from './containers.js';
import type { DockerContext } from './context.js';

export async function pruneContainers(ctx: DockerContext, protect: readonly string[]): Promise<string[]> {
  const docker = await ctx.engine();
  const name = ctx.container;
  const live = await containerNamed(docker, name);
  const kept = await keptContainers(docker, name);
  const protectedVersions = new Set([...protect, ...(live ? [versionOf(live) ?? ''] : [])]);
  const goes = chooseRemovals(kept, protectedVersions, ctx.config.keep);
  for (const c of goes) await docker.getContainer(c.id).remove({ v: false });
  await removeUnusedImages(docker, goes.map((c) => c.image), live?.Image);
  return [...new Set(goes.map((c) => c.version))];
}

/** Newest first, `keep` stay; protected versions (not failed ones) stay whatever their age, and count among them. Pure. */
export function chooseRemovals(kept: readonly KeptContainer[], protectedVersions: ReadonlySet<string>, keep: number): KeptContainer[] {
  let left = keep;
  const goes: KeptContainer[] = [];
  for (const c of kept) {
    if (!c.failed && protectedVersions.has(c.version)) {
      left = Math.max(0, left - 1);
      continue;
    }
    if (left > 0) {
      left -= 1;
      continue;
    }
    goes.push(c);
  }
  return goes;
}

async function removeUnusedImages(docker: Dockerode, images: readonly string[], liveImage: string | undefined): Promise<void> {
  if (images.length === 0) return;
  const used = new Set((await docker.listContainers({ all: true })).map((c) => c.ImageID));
  for (const image of new Set(images)) {
    if (image === liveImage || used.has(image)) continue;
    // Another tag or a child image can still hold it: the engine says no (409), and then it stays.
    await docker.getImage(image).remove({ noprune: false }).catch(() => undefined);
  }
}
