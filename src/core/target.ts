import type { Driver } from './driver.js';
import type { Exec, Files } from './ports.js';
import type { Slot, TrafficProxy } from './traffic.js';

/**
 * One place an environment's driver acts: a host (`local`, `user@host:port`)
 * for a host-scoped driver, or the whole environment (named after it) for an
 * environment-scoped one. How to switch it, run commands on it, touch its files.
 */
export interface Target {
  /** `local`, `user@host:port`, or the environment's name. */
  name: string;
  driver: Driver;
  exec: Exec;
  files: Files;
  /** What `{host}` stands for in the health URL: the host name alone. */
  address: string;
  /** Blue/green (`traffic:`): both slots and the proxy in front of them; then `driver` acts on the slot the proxy sends to. */
  traffic?: TargetTraffic;
}

/** One host's blue/green: a driver instance per slot, and the proxy that picks one. */
export interface TargetTraffic {
  proxy: TrafficProxy;
  slots: Record<Slot, Driver>;
  ports: Record<Slot, number>;
  /** The health URL through the proxy, `{host}` expanded: what users reach. */
  url: string;
  keepWarmMs: number;
  /** `traffic.stop`: stops a slot's copy of the app, for a driver without a stop of its own. */
  stop?: readonly string[];
}
