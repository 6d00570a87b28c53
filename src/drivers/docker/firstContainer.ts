/** The very first container, made from docker.create when nothing runs under the name yet. Pure. */
import type Dockerode from 'dockerode';
import type { Carried } from './carry.js';
import type { FirstContainerConfig } from './schema.js';

export function firstContainer(create: FirstContainerConfig, target: Carried): Dockerode.ContainerCreateOptions {
  return {
    name: target.name,
    Image: target.image,
    Env: Object.entries(create.env).map(([key, value]) => `${key}=${value}`),
    Cmd: create.command,
    User: create.user,
    Labels: target.labels,
    HostConfig: {
      NetworkMode: create.network,
      Binds: create.volumes.length > 0 ? create.volumes : undefined,
      RestartPolicy: { Name: create.restart === 'no' ? '' : create.restart },
    },
  };
}
