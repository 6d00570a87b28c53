/**
 * The `docker` driver as the registry sees it: one instance per host, each
 * talking to that host's engine (the local socket, or the host's socket
 * over its SSH connection). For blue/green (io.slot), one instance per
 * slot and host, each with a container of its own beside the other's.
 *
 * Write roots: none. The engine's containers and images are not files
 * under rewind's write guard; the only files this driver writes are
 * snapshots in the run's report dir on this machine, under state.dir,
 * which the guard already allows.
 */
import type Dockerode from 'dockerode';
import type { DriverIo, DriverModule } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { checkEngine, DEFAULT_SOCKET, engineClient, localSocket, type EngineAt } from './engine.js';
import { slotContainer } from './context.js';
import { createDockerDriver } from './index.js';
import { dockerSchema, type DockerConfig } from './schema.js';
import { imageFor } from './imageRef.js';
import { expandItem } from '../../core/template.js';

export const dockerDriver: DriverModule<DockerConfig> = {
  kind: 'docker',
  scope: 'host',
  summary: "containers on each host's Docker engine, switched between images through the Engine API",
  schema: dockerSchema,
  needs: 'container, image',
  writeRoots: (config) => {
    // Called for every host before anything connects: a docker.image that is not a reference is a config error then.
    imageFor(config.image, '0.0.0');
    return [];
  },
  create: (config, io) => {
    const at = engineAt(config, io);
    // A host's slot instances share its engine: one client and one version check per engine, not one per instance.
    const engine = sharedOnce(io, `docker:engine:${engineKey(at)}`, () => {
      let answered: Promise<Dockerode> | undefined;
      return () => {
        answered ??= (async () => {
          const docker = await engineClient(at);
          await checkEngine(docker, at);
          return docker;
        })();
        return answered;
      };
    });
    return createDockerDriver({
      app: io.app, env: io.env, host: io.host, config, container: slotContainer(config.container, io.slot), slot: io.slot,
      at, engine, localFiles: io.local.files, clock: io.clock,
    });
  },
  // Each slot runs its own container, `<docker.container>-<slot>`, on the slot's port ({port} in docker.create).
  slots: true,
};

/** `{host}` in docker.socket is the host's address: one machine can hold several engines, each on a socket of its own. */
function engineAt(config: DockerConfig, io: DriverIo): EngineAt {
  const socket = config.socket === undefined ? undefined : expandItem(config.socket, { host: io.host.address });
  if (!io.host.remote) return { kind: 'local', socket: localSocket(socket, io.variables) };
  const open = io.openUnixSocket;
  if (!open) throw new RewindError('CONFIG_INVALID', `${io.host.name}: no SSH connection to reach its engine over`);
  // This machine's DOCKER_HOST says nothing about another host's engine.
  return { kind: 'ssh', label: io.host.name, socket: socket ?? DEFAULT_SOCKET, openUnixSocket: open };
}

/** The same engine, whichever instance asks: a socket on this machine, or a socket on one host over its connection. */
function engineKey(at: EngineAt): string {
  return at.kind === 'local' ? `local ${at.socket}` : `ssh ${at.label} ${at.socket}`;
}

function sharedOnce<T>(io: DriverIo, key: string, make: () => T): T {
  if (!io.shared.has(key)) io.shared.set(key, make());
  return io.shared.get(key) as T;
}
