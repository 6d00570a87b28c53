/**
 * Stopping a blue/green slot that takes no traffic: its container is stopped
 * and kept under its name, so that a switch of the slot to the same version
 * starts it again in place (switch.ts) and another version's switch sets it
 * aside as usual. A slot with no container has nothing to stop, which is no failure.
 */
import { containerNamed, isOurs, versionOf } from './containers.js';
import type { DockerContext } from './context.js';
import { foreign, unlessAlready } from './switch.js';

export async function stopContainer(ctx: DockerContext): Promise<string> {
  const docker = await ctx.engine();
  const name = ctx.container;
  const live = await containerNamed(docker, name);
  if (!live) return `${name}: no container to stop`;
  // Someone else's container under the name is not rewind's to stop.
  if (!isOurs(live, name)) throw foreign(ctx, live);
  const version = versionOf(live) ?? 'unknown';
  if (!live.State.Running && !live.State.Restarting) return `${name} (${version}) was already stopped`;
  await docker.getContainer(live.Id).stop({ t: Math.ceil(ctx.config.stop_timeout / 1000) }).catch(unlessAlready);
  return `${name} (${version}) stopped`;
}
