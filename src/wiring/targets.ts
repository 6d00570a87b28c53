import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { driverSection, type EnvironmentConfig } from '../config/schema/environment.js';
import type { DriverHost, DriverIo, DriverModule } from '../core/driver.js';
import { processIdentity } from '../exec/processIdentity.js';
import type { EventSink } from '../core/events.js';
import type { CommandOptions, Exec, Files } from '../core/ports.js';
import type { Target } from '../core/target.js';
import { DRIVERS, driverModule } from '../drivers/index.js';
import type { SshHost } from '../exec/ssh/connect.js';
import { parseSshHost } from '../exec/ssh/target.js';
import { withEnv } from '../exec/withEnv.js';
import { systemClock } from './clock.js';
import { slottedTarget, trafficWriteRoots } from './trafficTargets.js';

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
  /** Where the connections' details go (shown under --verbose). */
  events?: EventSink;
  /** Where the connections' milestones go (logged in, sessions open), for REWIND_TIMELINE. */
  phase?: (what: string) => void;
  /** The driver list; the real one unless a test brings its own. */
  drivers?: readonly DriverModule<any>[];
  /** The environment variables rewind was started with (DriverIo.variables); process.env unless given. */
  variables?: Readonly<Record<string, string | undefined>>;
  /** DriverIo.oneTimePassword: the CLI's --otp, or a prompt. */
  oneTimePassword?: DriverIo['oneTimePassword'];
}

export interface Targets {
  targets: Target[];
  /** The driver's scope: one target per host, or one for the whole environment. */
  scope: DriverModule['scope'];
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

/** This machine as a driver sees it: `{host}` is the loopback address, relative paths are the config file's. */
export function localHost(configDir: string, name = 'local'): DriverHost {
  return { name, address: '127.0.0.1', remote: false, base: configDir };
}

/** The directories the environment's driver writes on this machine, and a blue/green proxy's file: what the local write guard allows. */
export function driverWriteRoots(env: EnvironmentConfig, configDir: string, drivers: readonly DriverModule<any>[] = DRIVERS): string[] {
  const host = localHost(configDir);
  return [...driverModule(env.driver, drivers).writeRoots(driverSection(env), host), ...trafficWriteRoots(env.traffic, host)];
}

/**
 * The targets of an environment, each with the driver made for it by its
 * module: one per configured host for a host-scoped driver, one for the
 * whole environment otherwise. Remote hosts are connected on first use, so
 * one unreachable host is a failure of that host (reported in the step and
 * the report), not of the whole command.
 */
export function environmentTargets(input: TargetsInput): Targets {
  const module = driverModule(input.env.driver, input.drivers ?? DRIVERS);
  const section = driverSection(input.env);
  const shared = new Map<string, unknown>();
  const thisProcess = processIdentity();
  const io = (host: DriverHost, exec: Exec, files: Files, remote?: Pick<DriverIo, 'upload' | 'openUnixSocket'>): DriverIo => ({
    app: input.app, env: input.envName, host, exec, files, clock: systemClock, configDir: input.configDir, stateDir: input.stateDir,
    local: { exec: input.localExec, files: input.localFiles }, ...remote, shared, smoke: input.env.smoke,
    variables: input.variables ?? process.env, oneTimePassword: input.oneTimePassword, self: thisProcess,
  });
  const opened: Promise<SshHost>[] = [];
  const connectors: Array<() => Promise<unknown>> = [];
  const nothingToClose = { warmUp: async () => undefined, close: async () => undefined };
  if (module.scope === 'environment') {
    const host = localHost(input.configDir, input.envName);
    const driver = module.create(section, io(host, input.localExec, input.localFiles));
    return {
      targets: [{ name: input.envName, address: host.address, driver, exec: input.localExec, files: input.localFiles }],
      scope: 'environment',
      ...nothingToClose,
    };
  }
  /** The host's driver; with traffic:, one per slot behind the proxy, and the one that acts on the slot the proxy picks. */
  const drive = (host: DriverHost, parts: Pick<Target, 'exec' | 'files'> & Pick<DriverIo, 'upload' | 'openUnixSocket'>) => {
    const { exec, files, ...remote } = parts;
    const traffic = input.env.traffic;
    if (traffic === undefined) return { driver: module.create(section, io(host, exec, files, remote)) };
    return slottedTarget(traffic, host, { exec, files, openUnixSocket: remote.openUnixSocket },
      (slot) => module.create(section, { ...io(host, exec, files, remote), slot }));
  };
  const targets = input.env.hosts.map((name): Target => {
    if (name === 'local') {
      const host = localHost(input.configDir);
      return { name, address: host.address, exec: input.localExec, files: input.localFiles,
        ...drive(host, { exec: input.localExec, files: input.localFiles }) };
    }
    const target = parseSshHost(name);
    const host: DriverHost = { name: `${target.user}@${target.host}:${target.port}`, address: target.host, remote: true, base: '/' };
    // Checked before anything connects: a relative path on a remote host is a config error.
    const roots = [...module.writeRoots(section, host), ...trafficWriteRoots(input.env.traffic, host)];
    let connection: Promise<SshHost> | undefined;
    let underWay: Promise<void> | undefined;
    const connect = (): Promise<SshHost> => {
      if (connection) return connection;
      let markUnderWay: () => void = () => undefined;
      underWay = new Promise((done) => {
        markUnderWay = done;
      });
      // ssh2 is loaded only for environments that have remote hosts.
      const opening = import('../exec/ssh/connect.js').then(
        ({ openSshHost }) => openSshHost(target, {
          ...sshOptions(input),
          onConnecting: markUnderWay,
          onPhase: (what) => input.phase?.(`${host.name}: ${what}`),
        }),
      );
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
    const upload = async (from: string, to: string) => (await connect()).upload(from, to, roots);
    const openUnixSocket = async (path: string) => (await connect()).openUnixSocket(path);
    return { name: host.name, address: host.address, exec, files, ...drive(host, { exec, files, upload, openUnixSocket }) };
  });
  return {
    targets,
    scope: 'host',
    warmUp: async () => {
      await Promise.all(connectors.map((start) => start()));
    },
    close: async () => {
      await Promise.all(opened.map((p) => p.then((h) => h.close(), () => undefined)));
    },
  };
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
    onNote: (text: string) => input.events?.({ type: 'note', text, verbose: true }),
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
