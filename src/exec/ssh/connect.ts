/**
 * One SSH connection per host, opened once; every command and the SFTP
 * session (or, on a host without SFTP, the file commands) are channels
 * multiplexed on it, so a ten-step rollback on five hosts costs five
 * handshakes, not fifty.
 */
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import ssh2, { type Client, type ConnectConfig } from 'ssh2';
import { RewindError } from '../../core/errors.js';
import type { Exec } from '../../core/ports.js';
import { ChannelGate } from './channelGate.js';
import { closedBeforeLogin, connectError, type ConnectFacts } from './connectErrors.js';
import { prepareHostKeyCheck } from './hostKeyCheck.js';
import { describeOffer, readIdentity } from './identity.js';
import { channelCommands } from './channelCommand.js';
import { execOps } from './execOps.js';
import { fileTransport } from './fileTransport.js';
import { opServers } from './opServer.js';
import { sessionFirst } from './sessionFileOps.js';
import { unixSocketOpener } from './unixSocket.js';
import { SessionKeeper, ShellSession } from './shellSession.js';
import { createSshExec, DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_OUTPUT, type SshExecOptions } from './sshExec.js';
import { createSshFiles, type SshFiles } from './sshFiles.js';
import { label as labelOf, type SshTarget } from './target.js';

export interface OpenSshOptions {
  identityFile?: string;
  /** An ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  knownHostsFile: string;
  /** false trusts a host key never seen before; a key that contradicts known_hosts is refused regardless. */
  strictHostKeys: boolean;
  /** For TCP connect, handshake and login together. */
  connectTimeoutMs: number;
  /** Redacted from every command's argv and output. */
  secrets?: readonly string[];
  /**
   * Channels open at once; OpenSSH's MaxSessions is 10 by default. One is the SFTP session; on a host without
   * SFTP, the refused SFTP channel and the file operations loop (opServer.ts) hold one each.
   */
  maxChannels?: number;
  /** A dead peer is noticed after three missed keepalives. */
  keepaliveIntervalMs?: number;
  exec?: Omit<SshExecOptions, 'label' | 'secrets'>;
  /**
   * Run commands through one long-lived login shell per connection
   * (shellSession.ts) when it is idle; true by default. Needs at least
   * three channels: the session, SFTP and one for a command that finds the
   * session busy.
   */
  commandSession?: boolean;
  /** Called once the TCP connect is sent: from then on the handshake goes on while the caller works. */
  onConnecting?: () => void;
  /** Milestones of this connection (logged in, command session ready, SFTP open), for REWIND_TIMELINE. */
  onPhase?: (what: string) => void;
  /** Details worth a line under --verbose: that this host has no SFTP and files go over exec. */
  onNote?: (text: string) => void;
}

export interface SshHost {
  /** `user@host:port` */
  readonly label: string;
  readonly target: SshTarget;
  /** How long connecting and logging in took. */
  readonly connectMs: number;
  readonly exec: Exec;
  /** Files on this host, writes guarded by `roots` (remote paths). */
  files(roots: readonly string[]): SshFiles;
  /**
   * Copy a local file to `remotePath` (temp file + atomic rename), refused
   * unless it lies inside `roots`; without `roots`, inside the roots of the
   * files() made on this host so far (none made: refused).
   */
  upload(localPath: string, remotePath: string, roots?: readonly string[]): Promise<void>;
  /** A stream to a Unix socket on the host (a Docker engine's), over this connection. */
  openUnixSocket(path: string): Promise<Duplex>;
  /** Ends the connection; commands still running on it are stopped. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_MAX_CHANNELS = 10;
const DEFAULT_KEEPALIVE_MS = 15_000;

export async function openSshHost(target: SshTarget, options: OpenSshOptions): Promise<SshHost> {
  const label = labelOf(target);
  const maxChannels = options.maxChannels ?? DEFAULT_MAX_CHANNELS;
  if (!Number.isInteger(maxChannels) || maxChannels < 2) throw new RangeError('maxChannels must be at least 2 (one is the SFTP session)');
  if (!(options.connectTimeoutMs > 0)) throw new RangeError('connectTimeoutMs must be positive');

  const privateKey = options.identityFile === undefined ? undefined : await readIdentity(label, options.identityFile);
  const hostKeys = await prepareHostKeyCheck(target, options.knownHostsFile, options.strictHostKeys);
  const facts: ConnectFacts = {
    target,
    knownHostsFile: options.knownHostsFile,
    connectTimeoutMs: options.connectTimeoutMs,
    offered: describeOffer(options),
    hostKey: undefined,
    handshakeDone: false,
  };

  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: 3,
    tryKeyboard: false,
    hostVerifier: (key: Buffer) => hostKeys.verify(key),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(options.agent === undefined ? {} : { agent: options.agent }),
    ...(hostKeys.algorithmOrder === undefined ? {} : { algorithms: { serverHostKey: hostKeys.algorithmOrder } }),
  };

  const client = new ssh2.Client();
  const started = performance.now();
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  void whenClosed.then(() => {
    closed = true;
  });
  // After login, errors surface through the channels they break; this keeps them from crashing the process.
  client.on('error', () => undefined);
  client.on('handshake', () => {
    facts.handshakeDone = true;
  });

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: RewindError): void => {
      if (settled) return;
      settled = true;
      if (error === undefined) return resolve();
      client.destroy();
      reject(error);
    };
    client.once('ready', () => settle());
    client.on('error', (error: Error & { level?: string }) => {
      // ssh2 moves on to the next key when the agent fails; say so if all of them fail.
      if (error.level === 'agent') {
        facts.offered = `${describeOffer(options)}; the agent could not be used: ${error.message}`;
        return;
      }
      settle(connectError(error, { ...facts, hostKey: hostKeys.outcome() }));
    });
    client.once('close', () => settle(closedBeforeLogin(facts)));
    try {
      client.connect(config);
      options.onPhase?.('connecting');
      options.onConnecting?.();
    } catch (error) {
      settle(connectError(error, { ...facts, hostKey: hostKeys.outcome() }));
    }
  });
  const connectMs = Math.round(performance.now() - started);

  const gate = new ChannelGate(maxChannels);
  const sessions = options.commandSession !== false && maxChannels >= 3 ? commandSessions(client, gate, options) : undefined;
  options.onPhase?.(`logged in (${connectMs} ms)`);
  // Started now: the login shell runs while the caller is still planning.
  void sessions?.current()?.whenReady().then((ready) => options.onPhase?.(ready ? 'command session ready' : 'no command session'));
  const exec = createSshExec(client, gate, { ...options.exec, label, secrets: options.secrets ?? [] }, sessions);
  // The loop holds a channel for as long as the connection lasts: only where one is left for everything else.
  const loopFits = maxChannels - (sessions === undefined ? 0 : 1) - 2 >= 1;
  const transport = fileTransport(client, gate, {
    label,
    overExec: () => execOps({ server: loopFits ? opServers(client, gate) : async () => undefined, channel: channelCommands(client, gate) }),
    onNote: options.onNote,
    onPhase: options.onPhase,
  });
  // Until SFTP is needed, the command session answers: no second login shell before the reload.
  const ops = sessions === undefined ? transport : sessionFirst(sessions, transport, channelCommands(client, gate));
  const knownRoots = new Set<string>();
  const files = (roots: readonly string[]): SshFiles => {
    for (const root of roots) knownRoots.add(root);
    return createSshFiles({ label, ops, exec }, roots);
  };

  return {
    label,
    target,
    connectMs,
    exec,
    files,
    openUnixSocket: unixSocketOpener(client, label),
    upload: (localPath, remotePath, roots) => createSshFiles({ label, ops, exec }, roots ?? [...knownRoots]).upload(localPath, remotePath),
    async close() {
      sessions?.close();
      if (!closed) {
        client.end();
        // A peer that never acknowledges must not hold the caller up.
        const timer = setTimeout(() => client.destroy(), 2000);
        await whenClosed;
        clearTimeout(timer);
      }
    },
  };
}

const SESSION_READY_TIMEOUT_MS = 15_000;

function commandSessions(client: Client, gate: ChannelGate, options: OpenSshOptions): SessionKeeper {
  const settings = {
    killGraceMs: options.exec?.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    maxOutputBytes: options.exec?.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    readyTimeoutMs: Math.max(SESSION_READY_TIMEOUT_MS, options.connectTimeoutMs),
  };
  return new SessionKeeper(() => ShellSession.start(client, gate, settings));
}
