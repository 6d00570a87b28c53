/** What every part of the archive driver is handed: its settings, its layout and its ports. */
import type { Clock, Exec, Files } from '../../core/ports.js';
import type { Layout } from './layout.js';
import type { ArchiveConfig } from './schema.js';

export interface ArchiveContext {
  app: string;
  env: string;
  /** `{host}`: this machine's address. */
  address: string;
  config: ArchiveConfig;
  layout: Layout;
  /** Relative sources are found from here. */
  configDir: string;
  /** Scratch space on this machine (under state.dir): a source tarball is unpacked here before it is repacked. */
  scratchDir: string;
  /** Behind the write guard: path, its staging and previous dirs, the store, state.dir. */
  files: Files;
  /** Runs the environment's smoke commands against a staged version. */
  exec: Exec;
  /** The environment's smoke commands: a version must pass them in its staging dir before it is swapped in. */
  smoke: readonly (readonly string[])[];
  clock: Clock;
  random(): string;
  /** This process, and whether a process of this machine still runs (DriverIo.self); without it, every temporary is kept. */
  self?: { pid: number; isAlive(pid: number): boolean };
}
