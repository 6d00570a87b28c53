import type Dockerode from 'dockerode';
import type { DriverHost } from '../../core/driver.js';
import type { Clock, Files } from '../../core/ports.js';
import type { EngineAt } from './engine.js';
import type { DockerConfig } from './schema.js';

/** What the docker driver of one host works with. */
export interface DockerContext {
  app: string;
  env: string;
  host: DriverHost;
  config: DockerConfig;
  at: EngineAt;
  /** The engine's client, once it has answered (asked on first use, then kept for the run). */
  engine(): Promise<Dockerode>;
  /** This machine's files: snapshots go to the run's report dir here. */
  localFiles: Files;
  clock: Clock;
}

/** How messages name where something is: the host, then the engine. */
export function where(ctx: Pick<DockerContext, 'host' | 'at'>): string {
  return ctx.host.remote ? `${ctx.host.name} (engine at ${ctx.at.socket})` : `the engine at ${ctx.at.socket}`;
}
