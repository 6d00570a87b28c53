/**
 * Why a connection failed, as one line an operator can act on at 3 a.m.:
 * which host, what happened, what to do. ssh2's own messages ("All
 * configured authentication methods failed") never reach the user alone.
 */
import { RewindError, type ErrorCode } from '../../core/errors.js';
import { shellQuote } from '../shellQuote.js';
import type { HostKeyOutcome } from './hostKeyCheck.js';
import { knownHostsName, label, type SshTarget } from './target.js';

export interface ConnectFacts {
  target: SshTarget;
  knownHostsFile: string;
  connectTimeoutMs: number;
  /** What was offered to log in, e.g. `identity file /k/id_ed25519 and the agent at /run/agent.sock`. */
  offered: string;
  hostKey: HostKeyOutcome | undefined;
  /** The server answered as an SSH server (key exchange done). */
  handshakeDone: boolean;
}

export function connectError(error: unknown, facts: ConnectFacts): RewindError {
  const who = label(facts.target);
  const make = (code: ErrorCode, text: string, extra: Record<string, unknown> = {}): RewindError =>
    new RewindError(code, `${who}: ${text}`, { host: who, ...extra }, { cause: error });

  const hostKey = facts.hostKey;
  if (hostKey !== undefined && !hostKey.accepted) {
    const file = facts.knownHostsFile;
    if (hostKey.verdict === 'unknown') {
      const scan = `ssh-keyscan -p ${facts.target.port} ${facts.target.host} >> ${shellWord(file)}`;
      return make(
        'HOST_KEY_UNKNOWN',
        `host key (${hostKey.keyType}) is not in ${file}; check it and trust it with \`${scan}\`, or set ssh.strict_host_keys: false`,
        {
          knownHostsFile: file,
          keyType: hostKey.keyType,
        },
      );
    }
    const what = hostKey.revoked
      ? `presented a host key (${hostKey.keyType}) marked @revoked in ${file}`
      : `host key (${hostKey.keyType}) differs from the one recorded in ${file}`;
    const name = knownHostsName(facts.target.host, facts.target.port);
    return make(
      'HOST_KEY_CHANGED',
      `${what}: possibly a man-in-the-middle, nothing was sent; if the host was really re-keyed, ` +
        `remove the old entry (ssh-keygen -R ${shellWord(name)} -f ${shellWord(file)}) and add the new one`,
      {
        knownHostsFile: file,
        keyType: hostKey.keyType,
      },
    );
  }

  const level = (error as { level?: unknown } | undefined)?.level;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (level === 'client-authentication') {
    return make('SSH_AUTH_FAILED', `the server refused every key offered (${facts.offered})`, { offered: facts.offered });
  }
  if (level === 'client-timeout' || errno === 'ETIMEDOUT') {
    const within = duration(facts.connectTimeoutMs);
    return make(
      'HOST_UNREACHABLE',
      facts.handshakeDone ? `the server answered but login did not finish within ${within}` : `no answer within ${within}`,
    );
  }
  if (errno === 'ECONNREFUSED') return make('HOST_UNREACHABLE', `connection refused (is sshd listening on port ${facts.target.port}?)`);
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN' || level === 'client-dns') {
    return make('HOST_UNREACHABLE', 'the host name does not resolve');
  }
  if (errno === 'EHOSTUNREACH' || errno === 'ENETUNREACH') return make('HOST_UNREACHABLE', 'no route to the host');
  if (errno === 'ECONNRESET') return make('HOST_UNREACHABLE', 'the connection was reset before login finished');
  return make('HOST_UNREACHABLE', `could not log in over SSH: ${oneLine(error)}`);
}

export function closedBeforeLogin(facts: ConnectFacts): RewindError {
  const who = label(facts.target);
  const when = facts.handshakeDone ? 'during login' : 'before the SSH handshake (too many connections, or not an SSH server?)';
  return new RewindError('HOST_UNREACHABLE', `${who}: the server closed the connection ${when}`, { host: who });
}

/** `10s`, `1.5s` or `250ms`. */
export function duration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))}s` : `${ms}ms`;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** A path shown in a hint, quoted only when a shell would need it: the hint is meant to be pasted. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : shellQuote([text]);
}
