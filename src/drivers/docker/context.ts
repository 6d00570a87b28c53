import type Dockerode from 'dockerode';
import type { DriverHost, SlotIo } from '../../core/driver.js';
import type { Clock, Files } from '../../core/ports.js';
import type { EngineAt } from './engine.js';
import type { DockerConfig } from './schema.js';

/** What the docker driver of one host works with. */
export interface DockerContext {
  app: string;
  env: string;
  host: DriverHost;
  config: DockerConfig;
  /**
   * The container this instance manages, and the prefix of the ones it keeps:
   * docker.container, or `<docker.container>-<slot>` for a blue/green slot
   * (slotContainer). Everything here goes by this name, never by docker.container.
   */
  container: string;
  /** Blue/green: the slot this instance acts on, as {slot} and {port} in docker.create. */
  slot?: SlotIo;
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

/** Each blue/green slot has a container of its own beside the other's: `shop-web-blue`, `shop-web-green`. */
export function slotContainer(container: string, slot: SlotIo | undefined): string {
  return slot ? `${container}-${slot.name}` : container;
}
