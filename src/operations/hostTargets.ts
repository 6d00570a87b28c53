import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { EnvironmentConfig } from '../config/schema/index.js';
import type { Driver } from '../core/driver.js';
import { RewindError } from '../core/errors.js';
import type { CommandOptions, Exec, Files } from '../core/ports.js';
import { expandItem } from '../core/template.js';
import { createGitDriver, gitWriteRoots } from '../drivers/git/index.js';
import { createReleasesDriver } from '../drivers/releases/index.js';
import { createShippedDriver, type Shipping } from '../drivers/releases/shipped.js';
import type { SshHost } from '../exec/ssh/connect.js';
import { parseSshHost, type SshTarget } from '../exec/ssh/target.js';
import { withEnv } from '../exec/withEnv.js';
import type { HostTarget } from './targets.js';

export interface TargetsInput {
  app: string;
  envName: string;
  env: EnvironmentConfig;
  configDir: string;
  stateDir: string;
  localExec: Exec;
  /** This machine's files, guarded by the write roots (which include the local driver's paths). */
  localFiles: Files;
  secrets: readonly string[];
}

export interface Targets {
  targets: HostTarget[];
  /**
   * Start connecting to every remote host now, so that logging in overlaps
   * with opening the ledger and planning; resolves once every connection
   * is under way (its TCP connect sent, or failed). A failure still
   * surfaces where the host is first used, as that host's failure.
   */
  warmUp(): Promise<void>;
  /** Close every SSH connection that was opened. */
  close(): Promise<void>;
}

/** The directories the environment's driver writes on a host: what a host's write guard allows. */
export function driverWriteRoots(env: EnvironmentConfig, configDir: string, host: string): string[] {
  if (env.driver === 'git' && env.git) return gitWriteRoots(resolve(configDir, expandItem(env.git.path, { host })));
  return env.releases ? [resolve(configDir, expandItem(env.releases.path, { host }))] : [];
}

/**
 * One HostTarget per configured host. Remote hosts are connected on first
 * use, so one unreachable host is a failure of that host (reported in the
 * step and the report), not of the whole command.
 */
export function hostTargets(input: TargetsInput): Targets {
  const opened: Promise<SshHost>[] = [];
  const connectors: Array<() => Promise<unknown>> = [];
  const packs = new Map<string, Promise<{ tarball: string; sha: string | null }>>();
  const targets = input.env.hosts.map((host): HostTarget => {
    if (host === 'local') {
      const driver = makeDriver(input, '127.0.0.1', input.localExec, input.localFiles, input.configDir);
      return { name: 'local', address: '127.0.0.1', driver, exec: input.localExec, files: input.localFiles };
    }
    const target = parseSshHost(host);
    if (!isAbsolute(expandItem(pathOf(input.env), { host: target.host }))) {
      throw new RewindError('CONFIG_INVALID', `environments.${input.envName}: the ${input.env.driver} path must be absolute for remote hosts (got ${JSON.stringify(pathOf(input.env))})`);
    }
    const roots = driverWriteRoots(input.env, '/', target.host);
    let connection: Promise<SshHost> | undefined;
    let underWay: Promise<void> | undefined;
    const connect = (): Promise<SshHost> => {
      if (connection) return connection;
      let markUnderWay: () => void = () => undefined;
      underWay = new Promise((resolve) => {
        markUnderWay = resolve;
      });
      // ssh2 is loaded only for environments that have remote hosts.
      const opening = import('../exec/ssh/connect.js').then(({ openSshHost }) => openSshHost(target, { ...sshOptions(input), onConnecting: markUnderWay }));
      opening.then(markUnderWay, markUnderWay);
      connection = opening;
      opened.push(opening);
      return opening;
    };
    connectors.push(() => {
      connect().catch(() => undefined);
      return underWay as Promise<void>;
    });
    const exec: Exec = withEnv({ run: async (argv, options?: CommandOptions) => (await connect()).exec.run(argv, options) }, input.env.env);
    const files = lazyFiles(async () => (await connect()).files(roots));
    const hostDriver = makeDriver(input, target.host, exec, files, '/');
    const driver = input.env.driver === 'releases' ? shipped(input, hostDriver, files, roots, connect, packs, target) : hostDriver;
    return { name: `${target.user}@${target.host}:${target.port}`, address: target.host, driver, exec, files };
  });
  return {
    targets,
    warmUp: async () => {
      await Promise.all(connectors.map((start) => start()));
    },
    close: async () => {
      await Promise.all(opened.map((p) => p.then((h) => h.close(), () => undefined)));
    },
  };
}

function pathOf(env: EnvironmentConfig): string {
  return (env.driver === 'git' ? env.git?.path : env.releases?.path) ?? '';
}

/** The environment's driver on one host ({host} in its path is that host's address). */
function makeDriver(input: TargetsInput, address: string, exec: Exec, files: Files, base: string): Driver {
  const { env } = input;
  if (env.driver === 'git' && env.git) {
    return createGitDriver({ app: input.app, env: input.envName, config: { ...env.git, path: resolve(base, expandItem(env.git.path, { host: address })) }, exec, files });
  }
  if (!env.releases) throw new RewindError('CONFIG_INVALID', `environments.${input.envName}.releases is missing`);
  const path = resolve(base, expandItem(env.releases.path, { host: address }));
  if (base === input.configDir) {
    return createReleasesDriver({ app: input.app, env: input.envName, path, configDir: input.configDir, config: env.releases, exec, files });
  }
  // On a remote host the release arrives as a tarball built here: unpack it, never build.
  const incoming = join(path, '.rewind-incoming', '{version}.tar');
  return createReleasesDriver({ app: input.app, env: input.envName, path, configDir: path, config: { ...env.releases, source: { tarball: incoming, strip_components: 0 }, build: [] }, exec, files });
}

function shipped(input: TargetsInput, host: Driver, files: Files, roots: string[], connect: () => Promise<SshHost>, packs: Map<string, Promise<{ tarball: string; sha: string | null }>>, target: SshTarget): Driver {
  const releases = input.env.releases as NonNullable<EnvironmentConfig['releases']>;
  const stagingPath = join(input.stateDir, 'build', input.envName);
  const shipping: Shipping = {
    staging: createReleasesDriver({ app: input.app, env: input.envName, path: stagingPath, configDir: input.configDir, config: { ...releases, shared: [], keep: 2 }, exec: input.localExec, files: input.localFiles }),
    localExec: input.localExec,
    localFiles: input.localFiles,
    packDir: join(stagingPath, 'packs'),
    upload: async (from, to) => (await connect()).upload(from, to, roots),
  };
  const path = expandItem(releases.path, { host: target.host });
  return createShippedDriver({ host, hostFiles: files, incoming: (version) => join(path, '.rewind-incoming', `${version}.tar`), shipping, packs });
}

function sshOptions(input: TargetsInput) {
  const ssh = input.env.ssh;
  return {
    identityFile: ssh.identity_file === undefined ? undefined : expandHome(ssh.identity_file, input.configDir),
    agent: process.env.SSH_AUTH_SOCK,
    knownHostsFile: expandHome(ssh.known_hosts, input.configDir),
    strictHostKeys: ssh.strict_host_keys,
    connectTimeoutMs: ssh.connect_timeout,
    secrets: input.secrets,
  };
}

function expandHome(path: string, base: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return resolve(base, path);
}

/** A Files whose every call first waits for the connection (made on first use). */
function lazyFiles(open: () => Promise<Files>): Files {
  let files: Promise<Files> | undefined;
  const get = () => (files ??= open());
  return new Proxy({} as Files, {
    get: (_target, name: keyof Files) => async (...args: unknown[]) => {
      const real = await get();
      return (real[name] as (...a: unknown[]) => unknown)(...args);
    },
  });
}
