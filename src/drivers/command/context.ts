/** What every part of the command driver is handed: its I/O, where its commands run, and its settings. */
import type { SlotIo } from '../../core/driver.js';
import type { Exec } from '../../core/ports.js';
import type { CommandConfig } from './schema.js';

export interface CommandDriverContext {
  app: string;
  env: string;
  /** What {host} stands for: the host's address (127.0.0.1 on this machine). */
  host: string;
  /** Absolute: where every command runs, and what {release_dir} stands for. */
  cwd: string;
  config: CommandConfig;
  /** Runs on the host: this machine, or the remote one over SSH. */
  exec: Exec;
  /** Blue/green: the slot these commands act on, as {slot} and {port}. */
  slot?: SlotIo;
}
