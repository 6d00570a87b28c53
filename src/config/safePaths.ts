/**
 * The loader's second look at a config that matches the schema: every place
 * rewind would write, judged by systemDirs.ts before anything is opened.
 *
 * - state.dir and pipeline.dir: on this machine; every rule.
 * - each directory a driver writes (releases.path, git.path), for every host
 *   of every environment: on this machine every rule, the one "holds state.dir"
 *   included; on a remote host only `/` and the system directories (its
 *   layout, home and config are not known here).
 * - safety.allow_writes_only_under: `/` and the system directories (it widens
 *   the write guard; the project's own dir is a legitimate entry).
 * migrations.dir, ssh.identity_file and ssh.known_hosts are only read.
 */
import { resolve } from 'node:path';
import type { DriverHost, DriverModule } from '../core/driver.js';
import { RewindError } from '../core/errors.js';
import { DRIVERS, driverModule } from '../drivers/index.js';
import { parseSshHost } from '../exec/ssh/target.js';
import { driverSection, type EnvironmentConfig } from './schema/environment.js';
import type { RewindConfig } from './schema/index.js';
import { writePathProblem, type LocalFacts } from './systemDirs.js';

/** A problem found after the schema passed, at a key path of the file. */
export interface ConfigProblem {
  path: readonly (string | number)[];
  message: string;
}

export interface PathContext {
  configDir: string;
  /** The home directory of the user running rewind. */
  home?: string;
  /** Where a path really lands on this machine (symlinks followed); the path itself for one that does not exist yet. */
  realpath: (path: string) => Promise<string>;
  drivers?: readonly DriverModule<any>[];
}

export async function pathProblems(config: RewindConfig, context: PathContext): Promise<ConfigProblem[]> {
  const real = context.realpath;
  const configDir = await real(context.configDir);
  const stateDir = await real(resolve(context.configDir, config.state.dir));
  const home = context.home === undefined ? undefined : await real(context.home);
  const problems: ConfigProblem[] = [];
  const judge = async (path: ConfigProblem['path'], given: string, absolute: string, expected: string, local?: LocalFacts) => {
    const message = writePathProblem({ given, path: local ? await real(absolute) : absolute, expected }, local);
    // Several hosts with the same path have the same problem: once is enough.
    if (message !== undefined && !problems.some((p) => p.message === message && p.path.join('.') === path.join('.'))) {
      problems.push({ path, message });
    }
  };

  await judge(['state', 'dir'], config.state.dir, stateDir, 'a directory of its own, such as .rewind', { home, configDir });
  if (config.pipeline) {
    const { dir } = config.pipeline;
    const expected = 'a directory of its own, such as .pipeline';
    await judge(['pipeline', 'dir'], dir, resolve(context.configDir, dir), expected, { home, configDir });
  }
  for (const [index, root] of config.safety.allow_writes_only_under.entries()) {
    const expected = "a directory of the project's, such as .rewind";
    await judge(['safety', 'allow_writes_only_under', index], root, resolve(context.configDir, root), expected, { home });
  }
  for (const [name, env] of Object.entries(config.environments)) {
    const at = ['environments', name];
    const expected = `a directory of its own, such as /srv/${config.app}`;
    for (const host of hostsOf(env, context, at, problems)) {
      const local = host.remote ? undefined : { home, configDir, stateDir };
      for (const written of writtenPaths(env, host, context.drivers, at, problems)) {
        await judge([...at, ...written.path], written.given, written.absolute, expected, local);
      }
    }
  }
  return problems;
}

/** The hosts the driver acts on, as its module sees them; a host whose address cannot be read is a problem at its entry. */
function hostsOf(env: EnvironmentConfig, context: PathContext, at: readonly string[], problems: ConfigProblem[]): DriverHost[] {
  const module = driverModule(env.driver, context.drivers ?? DRIVERS);
  // As the wiring makes them (wiring/targets.ts): {host} is each host's address, relative paths only here.
  const local: DriverHost = { name: 'local', address: '127.0.0.1', remote: false, base: context.configDir };
  if (module.scope === 'environment') return [local];
  const hosts: DriverHost[] = [];
  env.hosts.forEach((name, hostIndex) => {
    if (name === 'local') {
      hosts.push(local);
      return;
    }
    try {
      const target = parseSshHost(name);
      hosts.push({ name: `${target.user}@${target.host}:${target.port}`, address: target.host, remote: true, base: '/' });
    } catch (error) {
      if (!(error instanceof RewindError) || error.code !== 'CONFIG_INVALID') throw error;
      problems.push({ path: [...at, 'hosts', hostIndex], message: error.message });
    }
  });
  return hosts;
}

interface Written {
  /** Below the environment: [releases, path]. */
  path: string[];
  given: string;
  absolute: string;
}

/**
 * What the environment's driver writes on `host`. A driver that finds its own
 * section wrong for the host (a relative path on a remote host) says so with
 * the field it objects to; that becomes a problem at that key.
 */
function writtenPaths(
  env: EnvironmentConfig,
  host: DriverHost,
  drivers: readonly DriverModule<any>[] | undefined,
  at: readonly string[],
  problems: ConfigProblem[],
): Written[] {
  const module = driverModule(env.driver, drivers ?? DRIVERS);
  const section = driverSection(env) as Record<string, unknown>;
  try {
    if (module.writtenPaths) {
      return module.writtenPaths(section, host).map(({ key, path }) => ({
        path: [module.kind, key],
        given: typeof section[key] === 'string' ? (section[key] as string) : path,
        absolute: path,
      }));
    }
    return module.writeRoots(section, host).map((root) => ({ path: [module.kind], given: root, absolute: root }));
  } catch (error) {
    if (!(error instanceof RewindError) || error.code !== 'CONFIG_INVALID') throw error;
    const field = typeof error.details.field === 'string' ? error.details.field.split('.') : [module.kind];
    const path = [...at, ...field];
    if (!problems.some((p) => p.message === error.message)) problems.push({ path, message: error.message });
    return [];
  }
}
