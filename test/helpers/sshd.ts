/**
 * A private OpenSSH server per test: generated host and client keys, a free
 * loopback port, everything in a temp dir, stopped (by its own pid) before
 * the dir goes. Tests talk to the real sshd, never to a fake.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { openSshHost, type OpenSshOptions, type SshHost } from '../../src/exec/ssh/connect.js';
import { parseSshHost } from '../../src/exec/ssh/target.js';
import { stopChild } from './stopChild.js';
import { tempDir } from './tmp.js';
import { freePort } from '../../src/exec/freePort.js';

const run = promisify(execFile);

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  host: string;
  port: number;
  user: string;
  /** Private key the server accepts. */
  identityFile: string;
  /** Holds exactly this server's key, as `[127.0.0.1]:port`. */
  knownHostsFile: string;
  /** `ssh-ed25519 AAAA...`: the first of hostPublicKeys. */
  hostPublicKey: string;
  /** One `type base64` per host key, in the order of SshdOptions.hostKeyTypes. */
  hostPublicKeys: string[];
  url: string;
  dir: string;
  logFile: string;
  pid: number;
  /** How many logins the server has accepted so far (LogLevel VERBOSE lines). */
  acceptedLogins(): Promise<number>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** The loopback address to listen on (127.0.0.1 unless given): distinct addresses stand for distinct hosts. */
  address?: string;
  /** sshd's MaxSessions (channels per connection); 100 unless given. */
  maxSessions?: number;
  /** Host keys the server has (all listed in knownHostsFile); ['ed25519'] unless given. */
  hostKeyTypes?: Array<'ed25519' | 'ecdsa' | 'rsa'>;
  /** Environment sshd gives every session (its SetEnv): e.g. BASH_ENV, which a login bash reads like a .bashrc. */
  setEnv?: Record<string, string>;
  /** false: no `Subsystem sftp` line, as on hardened hosts that only allow exec; a string: the subsystem's command. */
  sftp?: boolean | string;
}

/** Debian's default sftp subsystem (package openssh-sftp-server): sshd starts it through the user's login shell. */
export const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

/**
 * Why sshd tests cannot run here, or undefined when they can. Without CI the
 * tests skip with this loud reason; with CI=true they run and fail instead.
 */
export function sshdSkipReason(): string | undefined {
  if (existsSync(SSHD) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${SSHD} is missing (apt-get install openssh-server); the SSH tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export async function startSshd(t: TestContext, options: SshdOptions = {}): Promise<Sshd> {
  if (!existsSync(SSHD)) {
    const reason = `${SSHD} is missing (apt-get install openssh-server)`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}: the SSH tests must run in CI`);
    t.skip(`SKIPPED LOUDLY: ${reason}`);
    throw new Error(`SKIPPED LOUDLY: ${reason}`);
  }
  let child: ChildProcess | undefined;
  const dir = await tempDir(t, 'rewind-sshd-', async () => {
    if (child !== undefined) await stopChild(child);
  });
  const hostKeys = (options.hostKeyTypes ?? ['ed25519']).map((type) => ({ type, path: join(dir, `host_${type}`) }));
  const identityFile = join(dir, 'client_ed25519');
  await Promise.all([...hostKeys.map((key) => keygen(key.path, key.type)), keygen(identityFile, 'ed25519')]);
  const hostPublicKeys = await Promise.all(hostKeys.map(async (key) => (await readFile(`${key.path}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ')));
  const hostPublicKey = hostPublicKeys[0] as string;
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${identityFile}.pub`, 'utf8'), { mode: 0o600 });
  // Privilege separation needs it; a container may not have it.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });

  const logFile = join(dir, 'sshd.log');
  const address = options.address ?? '127.0.0.1';
  // A port found free can be taken before sshd binds it: try a few.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort(address);
    const config = join(dir, 'sshd_config');
    await writeFile(config, sshdConfig(dir, port, hostKeys.map((key) => key.path), options));
    child = spawn(SSHD, ['-D', '-f', config, '-E', logFile], { stdio: 'ignore', detached: true });
    const started = child;
    const exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    if (await waitForPort(address, port, exited, 10_000)) {
      const knownHostsFile = join(dir, 'known_hosts');
      await writeFile(knownHostsFile, hostPublicKeys.map((key) => `[${address}]:${port} ${key}\n`).join(''));
      const user = userInfo().username;
      return {
        host: address,
        port,
        user,
        identityFile,
        knownHostsFile,
        hostPublicKey,
        hostPublicKeys,
        url: `ssh://${user}@${address}:${port}`,
        dir,
        logFile,
        pid: started.pid as number,
        acceptedLogins: async () => ((await readFile(logFile, 'utf8').catch(() => '')).match(/Accepted publickey/g) ?? []).length,
        stop: () => stopChild(started),
      };
    }
    await stopChild(started);
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (attempt >= 3 || !/Bind to port|Address already in use/.test(log)) {
      throw new Error(`sshd did not start on ${address}:${port}; its log says: ${log.trim().split('\n').slice(-5).join(' | ')}`);
    }
  }
}

/** Several independent servers, for multi-host tests. */
export async function startSshds(t: TestContext, count: number, options: SshdOptions = {}): Promise<Sshd[]> {
  return Promise.all(Array.from({ length: count }, () => startSshd(t, options)));
}

function sshdConfig(dir: string, port: number, hostKeys: string[], options: SshdOptions): string {
  return [
    `ListenAddress ${options.address ?? '127.0.0.1'}`,
    `Port ${port}`,
    ...hostKeys.map((path) => `HostKey ${path}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    ...(options.sftp === false ? [] : [`Subsystem sftp ${typeof options.sftp === 'string' ? options.sftp : 'internal-sftp'}`]),
    `MaxSessions ${options.maxSessions ?? 100}`,
    'MaxStartups 100:30:200',
    'LogLevel VERBOSE',
    ...Object.entries(options.setEnv ?? {}).map(([name, value]) => `SetEnv ${name}=${value}`),
    '',
  ].join('\n');
}

async function keygen(path: string, type: string): Promise<void> {
  await run('ssh-keygen', ['-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-q', '-C', 'rewind-test', '-f', path]);
}

async function waitForPort(host: string, port: number, exited: Promise<void>, ms: number): Promise<boolean> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const until = Date.now() + ms;
  while (Date.now() < until && !gone) {
    if (await accepts(host, port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}


/** An SshHost on `sshd` with its key and known_hosts, closed when the test ends. */
export async function connectTo(t: TestContext, sshd: Sshd, options: Partial<OpenSshOptions> = {}): Promise<SshHost> {
  const host = await openSshHost(parseSshHost(sshd.url), {
    identityFile: sshd.identityFile,
    knownHostsFile: sshd.knownHostsFile,
    strictHostKeys: true,
    connectTimeoutMs: 10_000,
    ...options,
  });
  t.after(() => host.close());
  return host;
}
