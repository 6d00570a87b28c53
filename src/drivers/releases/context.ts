/** What every part of the releases driver is handed: its I/O and its layout. */
import type { ReleasesConfig } from './schema.js';
import type { Clock, Exec, Files } from '../../core/ports.js';
import type { BuildTracker } from './building.js';
import type { Layout } from './layout.js';

export interface DriverContext {
  app: string;
  env: string;
  configDir: string;
  config: ReleasesConfig;
  exec: Exec;
  files: Files;
  clock: Clock;
  layout: Layout;
  builds: BuildTracker;
  keep: number;
  buildTimeoutMs: number | undefined;
  random(): string;
}
