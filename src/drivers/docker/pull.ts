/**
 * Getting an image onto an engine: used as is when the engine has it,
 * pulled from its registry otherwise, with the credentials the docker
 * client on this machine would send (DOCKER_CONFIG or ~/.docker/config.json,
 * `auths` entries; credential helpers are not run). The credentials travel
 * to the engine in the request only: never to a log or a report.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { RewindError } from '../../core/errors.js';
import { engineSaid, imageExists } from './containers.js';
import { pullable, type ImageRef } from './imageRef.js';

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export async function pullImage(docker: Dockerode, ref: ImageRef, where: string, env = process.env): Promise<Dockerode.ImageInspectInfo> {
  const auth = await registryAuth(ref.registry, env);
  try {
    const stream = await docker.pull(pullable(ref), auth ? { authconfig: auth } : {});
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, said: Array<{ error?: string }>) => {
        const failed = error ?? said.find((line) => line.error);
        if (failed) reject(new Error(failed instanceof Error ? failed.message : String(failed.error)));
        else resolve();
      });
    });
  } catch (error) {
    throw new RewindError('BUILD_FAILED', `${where}: cannot pull ${pullable(ref)}: ${engineSaid(error)}`, { image: ref.text });
  }
  const pulled = await imageExists(docker, pullable(ref));
  if (!pulled) throw new RewindError('BUILD_FAILED', `${where}: pulled ${pullable(ref)} but the engine does not have it`);
  return pulled;
}

/** The `auths` entry for a registry in the docker client's config, when there is one. */
export async function registryAuth(registry: string, env: NodeJS.ProcessEnv): Promise<RegistryAuth | undefined> {
  const dir = env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const text = await readFile(join(dir, 'config.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let auths: Record<string, { auth?: string }> = {};
  try {
    auths = (JSON.parse(text) as { auths?: typeof auths }).auths ?? {};
  } catch {
    return undefined;
  }
  const keys = registry === 'docker.io' ? ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io'] : [registry];
  for (const key of [...keys, ...keys.map((k) => `https://${k}`)]) {
    const encoded = auths[key]?.auth;
    if (!encoded) continue;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: key };
  }
  return undefined;
}
