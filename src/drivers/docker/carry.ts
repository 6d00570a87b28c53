/**
 * The configuration a switch carries from the live container to the
 * target's, minus what the live container only had because its old image
 * said so: env, labels, volumes, exposed ports, command, entrypoint, user,
 * working dir and healthcheck equal to the old image's defaults are left
 * out, so that the target's image supplies its own (watchtower#1342, #1854:
 * a carried-over PATH or version label from the old image breaks the new
 * one). What the engine keeps only at run time (HostConfig: ports, mounts,
 * restart policy, network mode) is never an image default and is carried whole. Pure.
 */
import type Dockerode from 'dockerode';
import { isDeepStrictEqual } from 'node:util';

/** The labels rewind puts on every container it makes: how it knows its own, and which version one runs. */
export const LABELS = {
  container: 'rewind.container',
  version: 'rewind.version',
  app: 'rewind.app',
  env: 'rewind.env',
  /** Blue/green: the slot a container serves (for people reading `docker ps`; rewind goes by the name). */
  slot: 'rewind.slot',
} as const;

export type ImageDefaults = Partial<{
  Env: string[] | null;
  Labels: Record<string, string> | null;
  Volumes: Record<string, object> | null;
  ExposedPorts: Record<string, object> | null;
  Cmd: string[] | null;
  Entrypoint: string | string[] | null;
  User: string;
  WorkingDir: string;
  Healthcheck: object | null;
}>;

export interface Carried {
  name: string;
  image: string;
  labels: Record<string, string>;
}

type LiveContainer = Pick<Dockerode.ContainerInspectInfo, 'Id' | 'Config' | 'HostConfig' | 'NetworkSettings'>;

export function carryOver(live: LiveContainer, oldImage: ImageDefaults, target: Carried): Dockerode.ContainerCreateOptions {
  const config = live.Config as LiveContainer['Config'] & { Healthcheck?: object; StopSignal?: string; StopTimeout?: number };
  const imageEnv = new Set(oldImage.Env ?? []);
  const imageLabels = oldImage.Labels ?? {};
  const labels = Object.fromEntries(
    Object.entries(config.Labels ?? {}).filter(([key, value]) => !key.startsWith('rewind.') && imageLabels[key] !== value),
  );
  const published = Object.keys(live.HostConfig.PortBindings ?? {});
  return {
    name: target.name,
    Image: target.image,
    Hostname: ownHostname(config.Hostname, live),
    Domainname: config.Domainname || undefined,
    User: unlessDefault(config.User || undefined, oldImage.User || undefined),
    Env: (config.Env ?? []).filter((entry) => !imageEnv.has(entry)),
    Cmd: unlessDefault(config.Cmd ?? undefined, oldImage.Cmd ?? undefined),
    Entrypoint: unlessDefault(config.Entrypoint ?? undefined, oldImage.Entrypoint ?? undefined),
    WorkingDir: unlessDefault(config.WorkingDir || undefined, oldImage.WorkingDir || undefined),
    Labels: { ...labels, ...target.labels },
    Volumes: without(config.Volumes, oldImage.Volumes),
    // A published port is the run's own even when the old image exposed it too.
    ExposedPorts: without(config.ExposedPorts, oldImage.ExposedPorts, published),
    Healthcheck: unlessDefault(config.Healthcheck, oldImage.Healthcheck ?? undefined) as Dockerode.HealthConfig | undefined,
    StopSignal: config.StopSignal,
    StopTimeout: config.StopTimeout,
    Tty: config.Tty,
    OpenStdin: config.OpenStdin,
    HostConfig: live.HostConfig,
    NetworkingConfig: endpoints(live),
  };
}

function unlessDefault<T>(value: T | undefined, imageDefault: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  return imageDefault !== undefined && isDeepStrictEqual(value, imageDefault) ? undefined : value;
}

function without(
  own: Record<string, object> | null | undefined,
  imageDefaults: Record<string, object> | null | undefined,
  keep: readonly string[] = [],
): Record<string, object> | undefined {
  const left = Object.keys(own ?? {}).filter((key) => keep.includes(key) || !(key in (imageDefaults ?? {})));
  return left.length === 0 ? undefined : Object.fromEntries(left.map((key) => [key, {}]));
}

/** The engine names a container's host after its ID unless told otherwise: a new container gets its own. */
function ownHostname(hostname: string, live: LiveContainer): string | undefined {
  if (!hostname || live.Id.startsWith(hostname)) return undefined;
  // On the host's network the hostname is the host's: the engine sets it again.
  return live.HostConfig.NetworkMode === 'host' ? undefined : hostname;
}

/**
 * The aliases of the network the container runs on, without the old
 * container's ID (the engine adds the new one's). API 1.41 takes one network
 * at create; others the container was connected to by hand are not carried.
 */
function endpoints(live: LiveContainer): Dockerode.ContainerCreateOptions['NetworkingConfig'] {
  const mode = live.HostConfig.NetworkMode ?? '';
  const network = live.NetworkSettings?.Networks?.[mode];
  if (!network || ['host', 'none', 'bridge', 'default'].includes(mode)) return undefined;
  const aliases = ((network.Aliases ?? []) as string[]).filter((alias) => !live.Id.startsWith(alias));
  return { EndpointsConfig: { [mode]: { Aliases: aliases } } };
}
