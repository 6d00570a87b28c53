import type { RewindConfig } from './schema/index.js';

/** A configuration as read from its file: what every command starts from. */
export interface LoadedConfig {
  /** Absolute path of the file read. */
  file: string;
  /** The file's directory: relative paths in the config are relative to it. */
  dir: string;
  config: RewindConfig;
  /** The file's text and its name as messages show it: for problems found later, reported at their line (configProblemsError). */
  text?: string;
  label?: string;
}
