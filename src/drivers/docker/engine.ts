/**
 * The Docker engine a host's containers run on, through the Engine API
 * (dockerode): the local socket, or a host's own socket reached over the SSH
 * connection rewind already has for it (unixSocket.ts). No `docker` CLI is
 * needed on either side, and no second login.
 */
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import { RewindError } from '../../core/errors.js';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** Where an engine is: a socket on this machine, or one on a host, opened over its SSH connection. */
export type EngineAt =
  | { kind: 'local'; socket: string }
  | { kind: 'ssh'; label: string; socket: string; openUnixSocket: (path: string) => Promise<Duplex> };

/**
 * The local engine's socket: the configured one, else DOCKER_HOST (only
 * `unix://`: rewind reaches remote engines over SSH itself), else the default.
 */
export function localSocket(configured: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (configured !== undefined) return configured;
  const fromEnv = env.DOCKER_HOST;
  if (fromEnv === undefined || fromEnv === '') return DEFAULT_SOCKET;
  if (fromEnv.startsWith('unix://') && fromEnv.length > 'unix://'.length) return fromEnv.slice('unix://'.length);
  throw new RewindError(
    'CONFIG_INVALID',
    `DOCKER_HOST=${fromEnv} is not a unix:// socket: set docker.socket, or list the engine's host as ssh://user@host`,
    { DOCKER_HOST: fromEnv },
  );
}

/** dockerode, loaded when a docker environment is first used (evaluated then, in the bundle too). */
async function loadDockerode(): Promise<typeof Dockerode> {
  return (await import('dockerode')).default;
}

/** An http.Agent whose every connection is a forwarded channel to the host's socket. */
class ForwardedSocketAgent extends Agent {
  constructor(
    private readonly open: () => Promise<Duplex>,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(_options: ClientRequestArgs, done?: (error: Error | null, stream: Duplex) => void): undefined {
    this.open().then(
      (stream) => {
        // http asks a socket for these; a channel has no such knobs.
        const noop = () => stream;
        done?.(null, Object.assign(stream, { setKeepAlive: noop, setNoDelay: noop, setTimeout: noop, ref: noop, unref: noop }));
      },
      (error: Error) => done?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

export async function engineClient(at: EngineAt): Promise<Dockerode> {
  const Docker = await loadDockerode();
  if (at.kind === 'local') return new Docker({ socketPath: at.socket });
  const agent = new ForwardedSocketAgent(() => at.openUnixSocket(at.socket), { keepAlive: false });
  return new Docker({ protocol: 'http', host: 'docker-engine', port: 80, agent } as Dockerode.DockerOptions);
}

export function engineLabel(at: EngineAt): string {
  return at.kind === 'local' ? `the engine at ${at.socket}` : `${at.label}: the engine at ${at.socket}`;
}

export interface EngineFacts {
  version: string;
  apiVersion: string;
}

/** Asks the engine its version: one line naming where and why when it does not answer. */
export async function checkEngine(docker: Dockerode, at: EngineAt): Promise<EngineFacts> {
  try {
    const version = await docker.version();
    return { version: version.Version, apiVersion: version.ApiVersion };
  } catch (error) {
    const message = `${engineLabel(at)} does not answer: ${whyNot(error)}`;
    throw new RewindError('ENGINE_UNREACHABLE', message, { socket: at.socket }, { cause: error });
  }
}

function whyNot(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === 'ENOENT') return 'no such socket (is dockerd running, and is this its socket?)';
  if (code === 'EACCES') return 'permission denied (the user is not in the docker group, or the socket is not theirs)';
  if (code === 'ECONNREFUSED') return 'connection refused (nothing listens on the socket)';
  if (error instanceof RewindError) return error.message;
  return error instanceof Error ? error.message.split('\n')[0] ?? 'unknown error' : String(error);
}
