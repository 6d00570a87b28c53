import { resolve } from 'node:path';
import { expandItem } from '../core/template.js';
import type { LoadedConfig } from './load.js';

export interface ConfigPaths {
  /** The config file's directory; relative paths in the config are resolved against it. */
  configDir: string;
  /** state.dir: ledger, reports, audit log, plans. */
  stateDir: string;
  /** Each environment's releases.path, by environment name (only those that have one). */
  releasePaths: Record<string, string>;
  /**
   * Every directory rewind may write under: safety.allow_writes_only_under,
   * state.dir and each releases.path, absolute, without duplicates. Not yet
   * passed through realpath: the write guard does that at write time, when
   * the directories may exist.
   */
  writeRoots: string[];
}

export function resolvePaths(loaded: LoadedConfig): ConfigPaths {
  const { config, dir } = loaded;
  const stateDir = resolve(dir, config.state.dir);
  const releasePaths: Record<string, string> = {};
  for (const [name, env] of Object.entries(config.environments)) {
    // On this machine {host} is the loopback address (remote hosts expand it to their own).
    if (env.releases) releasePaths[name] = resolve(dir, expandItem(env.releases.path, { host: '127.0.0.1' }));
  }
  const roots = [...config.safety.allow_writes_only_under.map((root) => resolve(dir, root)), stateDir, ...Object.values(releasePaths)];
  return { configDir: dir, stateDir, releasePaths, writeRoots: [...new Set(roots)] };
}
