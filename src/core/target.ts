import type { Driver } from './driver.js';
import type { Exec, Files } from './ports.js';

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
}
