/**
 * The switch, in the order that always leaves a way back: create the
 * target's container beside the live one with its configuration (carry.ts,
 * not started, so nothing is bound yet), snapshot the live container, stop
 * it and set it aside under `<container>-<version>-<time>`, give the target
 * the real name, start it and wait until it is ready. If the
 * target does not start or become healthy, it is set aside as failed and
 * the previous container is renamed back and started. Nothing is removed
 * here: pruning does that, after verification.
 *
 * Re-running it converges (a resume after kill -9): a target already under
 * the name is started and waited for; with nothing under the name, the
 * container set aside last is the previous one; a `-next` container never
 * started is removed and made again.
 */
import type Dockerode from 'dockerode';
import type { RunContext } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { carryOver, LABELS, type Carried, type ImageDefaults } from './carry.js';
import { containerNamed, engineSaid, imageExists, isOurs, keptContainers, keptName, unstartedNext, versionOf } from './containers.js';
import { where, type DockerContext } from './context.js';
import { firstContainer } from './firstContainer.js';
import { presentImage } from './image.js';
import { waitReady } from './ready.js';
import { snapshotContainer } from './snapshot.js';

export async function switchContainer(ctx: DockerContext, version: string, run?: RunContext): Promise<string> {
  const docker = await ctx.engine();
  const name = ctx.container;
  const image = await presentImage(ctx, version, run?.targetArtifact);
  if (!image) throw notReady(ctx, version);
  const live = await containerNamed(docker, name);
  if (live && !isOurs(live, name)) throw foreign(ctx, live);
  if (live && versionOf(live) === version && live.Image === image.id) return startInPlace(ctx, docker, live, version);
  await removeUnstarted(docker, name);
  const target = { name, image: image.id, labels: labelsFor(ctx, version) };
  let previous: SetAside | null;
  let created: Dockerode.Container | undefined;
  if (live) {
    // Made (not started) beside the live container, so that only the stop, two renames and the start are the gap.
    const next = await createBeside(ctx, docker, live, { ...target, name: `${name}-${version.replace(/\+/g, '_')}-next` });
    if (run?.reportDir) await snapshotContainer(docker, live, { files: ctx.localFiles, dir: run.reportDir, host: ctx.host.name });
    previous = await setAside(ctx, docker, live);
    try {
      await next.rename({ name });
      created = next;
      await next.start();
    } catch (error) {
      throw await goBack(ctx, docker, { created: next, previous, version, why: `it did not start: ${engineSaid(error)}` });
    }
  } else {
    // Nothing under the name: a first deploy, or an earlier run stopped after setting the live one aside.
    previous = await lastSetAside(docker, name);
    const template = previous ? await docker.getContainer(previous.id).inspect() : null;
    const options = template
      ? carryOver(template, await imageDefaults(docker, template.Image), target)
      : firstContainer(ctx.config.create, target, ctx.host.address, ctx.slot);
    try {
      created = await docker.createContainer(options);
      await created.start();
    } catch (error) {
      throw await goBack(ctx, docker, { created, previous, version, why: `it did not start: ${engineSaid(error)}` });
    }
  }
  const readiness = await waitReady(created, ctx.config.healthy_timeout);
  if (!readiness.ready) throw await goBack(ctx, docker, { created, previous, version, why: readiness.reason });
  const kept = previous ? `; ${previous.name} (${previous.version}) kept stopped` : '';
  return `${name} runs ${version} (${shortId(image.id)}${readiness.health ? `, ${readiness.health}` : ''})${kept}`;
}

/** The target's container, created under `-next` while the live one still runs: a failure here has stopped nothing. */
async function createBeside(
  ctx: DockerContext, docker: Dockerode, live: Dockerode.ContainerInspectInfo, target: Carried,
): Promise<Dockerode.Container> {
  try {
    return await docker.createContainer(carryOver(live, await imageDefaults(docker, live.Image), target));
  } catch (error) {
    throw new RewindError('STEP_FAILED', `${where(ctx)}: cannot create the container of ${target.labels[LABELS.version]}: ` +
      `${engineSaid(error)}; nothing was stopped: ${ctx.container} still runs ${versionOf(live) ?? 'what it ran'}`);
  }
}

/** A `-next` container an interrupted switch created and never started goes before another is made. */
async function removeUnstarted(docker: Dockerode, name: string): Promise<void> {
  for (const c of await unstartedNext(docker, name)) await docker.getContainer(c).remove({ force: true });
}

interface SetAside {
  id: string;
  name: string;
  version: string;
}

async function setAside(ctx: DockerContext, docker: Dockerode, live: Dockerode.ContainerInspectInfo): Promise<SetAside> {
  const container = docker.getContainer(live.Id);
  const version = versionOf(live) ?? 'unknown';
  if (live.State.Running) await container.stop({ t: Math.ceil(ctx.config.stop_timeout / 1000) }).catch(unlessAlready);
  const name = keptName(ctx.container, version, ctx.clock.now());
  await container.rename({ name });
  return { id: live.Id, name, version };
}

/** With nothing under the name, an earlier run stopped between setting the live one aside and creating the next. */
async function lastSetAside(docker: Dockerode, name: string): Promise<SetAside | null> {
  const kept = (await keptContainers(docker, name)).find((c) => !c.failed);
  return kept ? { id: kept.id, name: kept.name, version: kept.version } : null;
}

async function startInPlace(ctx: DockerContext, docker: Dockerode, live: Dockerode.ContainerInspectInfo, version: string): Promise<string> {
  const container = docker.getContainer(live.Id);
  if (!live.State.Running) await container.start().catch(unlessAlready);
  const readiness = await waitReady(container, ctx.config.healthy_timeout);
  if (!readiness.ready) {
    const previous = await lastSetAside(docker, ctx.container);
    throw await goBack(ctx, docker, { created: container, previous, version, why: readiness.reason });
  }
  return `${ctx.container} already runs ${version} (${shortId(live.Image)})`;
}

interface Failed {
  created: Dockerode.Container | undefined;
  previous: SetAside | null;
  version: string;
  why: string;
}

/** The target is set aside as failed (kept for the post-mortem) and the previous container runs again under the name. */
async function goBack(ctx: DockerContext, docker: Dockerode, failed: Failed): Promise<RewindError> {
  const name = ctx.container;
  if (failed.created) {
    await failed.created.stop({ t: 1 }).catch(() => undefined);
    await failed.created.rename({ name: keptName(name, failed.version, ctx.clock.now(), true) }).catch(() => undefined);
  }
  const head = `${where(ctx)}: ${failed.version} is not running, ${failed.why}`;
  if (!failed.previous) {
    return new RewindError('STEP_FAILED', `${head}; there was no previous container to go back to: nothing runs as ${name}`);
  }
  try {
    const previous = docker.getContainer(failed.previous.id);
    await previous.rename({ name });
    await previous.start().catch(unlessAlready);
  } catch (error) {
    return new RewindError(
      'STEP_FAILED',
      `${head}; putting back ${failed.previous.name} (${failed.previous.version}) failed too: ${engineSaid(error)}: ` +
        `nothing runs as ${name}`,
    );
  }
  const again = `${name} runs ${failed.previous.version} again (container ${failed.previous.id.slice(0, 12)})`;
  return new RewindError('STEP_FAILED', `${head}; ${again}`, { running: failed.previous.version });
}

async function imageDefaults(docker: Dockerode, imageId: string): Promise<ImageDefaults> {
  // An old image already removed leaves nothing to subtract: the live configuration is carried as it is.
  return ((await imageExists(docker, imageId))?.Config ?? {}) as ImageDefaults;
}

function labelsFor(ctx: DockerContext, version: string): Record<string, string> {
  const labels = { [LABELS.container]: ctx.container, [LABELS.version]: version, [LABELS.app]: ctx.app, [LABELS.env]: ctx.env };
  return ctx.slot ? { ...labels, [LABELS.slot]: ctx.slot.name } : labels;
}

function notReady(ctx: DockerContext, version: string): RewindError {
  return new RewindError('STEP_FAILED', `${where(ctx)}: the image of ${version} is not on the engine: it was not prepared`);
}

export function foreign(ctx: DockerContext, container: Dockerode.ContainerInspectInfo): RewindError {
  const name = ctx.container;
  return new RewindError(
    'CONFIG_INVALID',
    `${where(ctx)}: a container named ${name} exists but rewind did not make it (no ${LABELS.container} label): ` +
      `rename or remove it (docker rename ${name} ${name}-old), or set docker.container to another name; nothing was stopped`,
    { host: ctx.host.name, container: name, id: container.Id },
  );
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** The engine's 304: the container was already stopped (or started), which is what was wanted. */
export function unlessAlready(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 304) throw error;
}
