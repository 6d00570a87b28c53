/** What one engine runs under docker.container, read from the engine, and the check that it is what the ledger says. */
import type { LiveState } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { containerNamed, isOurs, versionOf } from './containers.js';
import { where, type DockerContext } from './context.js';
import { shortId } from './switch.js';

export async function inspectContainer(ctx: DockerContext): Promise<LiveState> {
  const live = await containerNamed(await ctx.engine(), ctx.container);
  if (!live) return { version: null, artifact: null, problems: [] };
  if (!isOurs(live, ctx.container)) {
    return { version: null, artifact: live.Image, problems: [`${ctx.container} is a container rewind did not make`] };
  }
  const problems = live.State.Running ? [] : [`${ctx.container} is not running (${live.State.Status}, exit ${live.State.ExitCode})`];
  if (live.State.Health?.Status === 'unhealthy') problems.push(`${ctx.container} is unhealthy by its HEALTHCHECK`);
  return { version: versionOf(live), artifact: live.Image, problems };
}

export async function confirmImage(ctx: DockerContext, version: string, recorded: string | null): Promise<string> {
  const live = await containerNamed(await ctx.engine(), ctx.container);
  const name = ctx.container;
  const fail = (why: string) =>
    new RewindError('VERIFY_FAILED', `${where(ctx)}: ${why}`, { host: ctx.host.name, container: name, expected: recorded });
  if (!live || !live.State.Running) throw fail(`${name} is not running`);
  if (versionOf(live) !== version) throw fail(`${name} runs ${versionOf(live) ?? 'an unknown version'}, not ${version}`);
  if (recorded && live.Image !== recorded) {
    throw fail(`${name} runs image ${shortId(live.Image)}, not ${shortId(recorded)} that the ledger recorded for ${version}`);
  }
  return `the engine runs ${name} from ${shortId(live.Image)}`;
}
