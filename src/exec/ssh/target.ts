/**
 * Which host, as which user, on which port: parsed from `ssh://user@host:port`
 * strictly, because a host name ends up in known_hosts look-ups, messages and
 * reports, and anything unusual in it is more likely a mistake than a need.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RewindError } from '../../core/errors.js';

export interface SshTarget {
  user: string;
  /** Lower case; an IPv6 address without its brackets. */
  host: string;
  port: number;
}

export const DEFAULT_SSH_PORT = 22;

const EXPECTED = 'expected ssh://user@host or ssh://user@host:port (host a DNS name, an IPv4 address or a [bracketed] IPv6 address)';
const SHAPE = /^ssh:\/\/([^@/?#\s]*)@(\[[^\]]*\]|[^:/?#@\s[\]]*)(?::([^/?#\s]*))?$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function refuse(text: string, why: string): never {
  throw new RewindError('CONFIG_INVALID', `SSH host ${JSON.stringify(text)} is not valid: ${why}; ${EXPECTED}`, { value: text });
}

function parseHost(text: string, raw: string): string {
  if (raw.startsWith('[')) {
    const inner = raw.slice(1, -1).toLowerCase();
    if (!isIPv6(inner) || inner.includes('%')) refuse(text, `${raw} is not an IPv6 address`);
    return inner;
  }
  const host = raw.toLowerCase();
  if (host === '') refuse(text, 'the host is missing');
  if (isIPv4(host)) return host;
  // All digits and dots but not a valid address: a typo, not a name.
  if (/^[0-9.]+$/.test(host)) refuse(text, `${raw} is not an IPv4 address`);
  if (host.length > 253 || !host.split('.').every((label) => DNS_LABEL.test(label))) {
    refuse(text, `${raw} is not a DNS name`);
  }
  return host;
}

function parsePort(text: string, raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_SSH_PORT;
  if (!/^[0-9]{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    refuse(text, `port ${JSON.stringify(raw)} is not a number from 1 to 65535`);
  }
  return Number(raw);
}

export function parseSshHost(text: string): SshTarget {
  if (typeof text !== 'string' || !text.startsWith('ssh://')) refuse(String(text), 'it does not start with ssh://');
  const match = SHAPE.exec(text);
  if (match === null) {
    if (!text.slice(6).includes('@')) refuse(text, 'the user is missing');
    refuse(text, 'it has more than user, host and port (a path, a password or stray characters)');
  }
  const [, user = '', host = '', port] = match;
  if (user.includes(':')) refuse(text, 'passwords are not accepted in the address; use a key');
  if (!USER.test(user)) refuse(text, user === '' ? 'the user is missing' : `user ${JSON.stringify(user)} is not a valid user name`);
  return { user, host: parseHost(text, host), port: parsePort(text, port) };
}

/** `user@host:port`, with an IPv6 host in brackets so the port stays readable. */
export function label(target: SshTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${target.port}`;
}

/** How the host is named in known_hosts: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === DEFAULT_SSH_PORT ? host : `[${host}]:${port}`;
}
