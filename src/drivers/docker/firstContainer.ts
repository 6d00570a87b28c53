/** The very first container, made from docker.create when nothing runs under the name yet; `{host}` is the host's address. Pure. */
import type Dockerode from 'dockerode';
import { expandArgv, expandItem } from '../../core/template.js';
import type { Carried } from './carry.js';
import type { FirstContainerConfig } from './schema.js';

export function firstContainer(create: FirstContainerConfig, target: Carried, host: string): Dockerode.ContainerCreateOptions {
  const vars = { host };
  return {
    name: target.name,
    Image: target.image,
    Env: Object.entries(create.env).map(([key, value]) => `${key}=${expandItem(value, vars)}`),
    Cmd: create.command && expandArgv(create.command, vars),
    User: create.user,
    Labels: target.labels,
    HostConfig: {
      NetworkMode: create.network,
      Binds: create.volumes.length > 0 ? create.volumes.map((v) => expandItem(v, vars)) : undefined,
      RestartPolicy: { Name: create.restart === 'no' ? '' : create.restart },
    },
  };
}
