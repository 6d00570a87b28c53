/** What a switch would do on one engine, said without doing it (a drill, a dry run). */
import { containerNamed, versionOf } from './containers.js';
import type { DockerContext } from './context.js';

export async function describeSwitch(ctx: DockerContext, version: string, ref: string): Promise<string> {
  const name = ctx.container;
  const live = await containerNamed(await ctx.engine(), name);
  if (!live) return `would create ${name} from ${ref}`;
  return `would stop ${name} (${versionOf(live) ?? 'unknown'}), keep it stopped, and start ${version} from ${ref} ` +
    'with its configuration';
}
