/**
 * Which image a version runs on one engine. The ledger's image ID wins over
 * the tag: a tag can be moved (re-pushed, re-tagged), an ID cannot.
 */
import type Dockerode from 'dockerode';
import { RewindError } from '../../core/errors.js';
import { imageExists } from './containers.js';
import { where, type DockerContext } from './context.js';
import { imageFor, pullable } from './imageRef.js';

export interface ResolvedImage {
  id: string;
  /** The reference the version resolves to, for messages. */
  ref: string;
  info: Dockerode.ImageInspectInfo;
}

/** The image of `version` present on the engine, or null; throws when the tag now names another image than the recorded one. */
export async function presentImage(
  ctx: DockerContext, version: string, recorded: string | null | undefined,
): Promise<ResolvedImage | null> {
  const docker = await ctx.engine();
  const ref = pullable(imageFor(ctx.config.image, version));
  if (recorded) {
    const info = await imageExists(docker, recorded);
    return info ? { id: info.Id, ref, info } : null;
  }
  const info = await imageExists(docker, ref);
  return info ? { id: info.Id, ref, info } : null;
}

/** The recorded image is gone and rewind will not fetch a different one in its place. */
export function imageGone(ctx: DockerContext, version: string, recorded: string): RewindError {
  const ref = pullable(imageFor(ctx.config.image, version));
  return new RewindError(
    'TARGET_GONE',
    `${where(ctx)}: the image ${version} ran (${recorded.slice(0, 19)}) is gone: pull it back with \`docker pull ${ref}\` ` +
      'on that host if the registry still has that image, or choose another target with --to',
    { host: ctx.host.name, version, image: recorded },
  );
}
