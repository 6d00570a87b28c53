/**
 * The very first container, made from docker.create when nothing runs under the name yet; `{host}` is the host's
 * address, and for a blue/green slot `{slot}` and `{port}` are the slot's (PORT: "{port}" puts each slot on its own). Pure.
 */
import type Dockerode from 'dockerode';
import type { SlotIo } from '../../core/driver.js';
import { expandArgv, expandItem, type TemplateVars } from '../../core/template.js';
import type { Carried } from './carry.js';
import type { FirstContainerConfig } from './schema.js';

export function firstContainer(
  create: FirstContainerConfig, target: Carried, host: string, slot?: SlotIo,
): Dockerode.ContainerCreateOptions {
  const vars: TemplateVars = slot ? { host, slot: slot.name, port: String(slot.port) } : { host };
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
