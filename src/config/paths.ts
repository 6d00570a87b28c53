import { resolve } from 'node:path';
import { DRIVERS, driverModule } from '../drivers/index.js';
import { driverSection } from './schema/environment.js';
import type { LoadedConfig } from './loaded.js';

export interface ConfigPaths {
  /** The config file's directory; relative paths in the config are resolved against it. */
  configDir: string;
  /** state.dir: ledger, reports, audit log, plans. */
  stateDir: string;
  /** Where each environment's driver keeps its releases on this machine (its first write root), by environment name. */
  releasePaths: Record<string, string>;
  /**
   * Every directory rewind may write under: safety.allow_writes_only_under,
   * state.dir and each environment's driver's write roots here, absolute, without duplicates. Not yet
   * passed through realpath: the write guard does that at write time, when
   * the directories may exist.
   */
  writeRoots: string[];
}

export function resolvePaths(loaded: LoadedConfig): ConfigPaths {
  const { config, dir } = loaded;
  const stateDir = resolve(dir, config.state.dir);
  const releasePaths: Record<string, string> = {};
  const driverRoots: string[] = [];
  for (const [name, env] of Object.entries(config.environments)) {
    // On this machine {host} is the loopback address (remote hosts expand it to their own).
    const roots = driverModule(env.driver, DRIVERS).writeRoots(driverSection(env), {
      name: 'local',
      address: '127.0.0.1',
      remote: false,
      base: dir,
    });
    driverRoots.push(...roots);
    if (roots[0] !== undefined) releasePaths[name] = roots[0];
  }
  const roots = [...config.safety.allow_writes_only_under.map((root) => resolve(dir, root)), stateDir, ...driverRoots];
  return { configDir: dir, stateDir, releasePaths, writeRoots: [...new Set(roots)] };
}
