/** What every part of the git driver is handed: its I/O, its checkout and its settings. */
import type { GitConfig } from './schema.js';
import type { Exec, Files } from '../../core/ports.js';

export interface GitDriverContext {
  app: string;
  env: string;
  /** Absolute and normalised, without a trailing slash. */
  path: string;
  config: GitConfig;
  exec: Exec;
  files: Files;
  /** For fetch, install and build commands; none when undefined. */
  commandTimeoutMs: number | undefined;
}
