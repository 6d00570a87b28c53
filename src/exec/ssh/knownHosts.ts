/**
 * OpenSSH's known_hosts, read the way ssh(1) reads it, so that a file the
 * operators already maintain decides which host keys rewind trusts. Pure:
 * text in, entries out; entries and a presented key in, a verdict out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { knownHostsName, type SshTarget } from './target.js';

export interface KnownHostEntry {
  /** `revoked` keys are refused everywhere; `cert-authority` lines are not host keys and are ignored. */
  marker: 'revoked' | 'cert-authority' | undefined;
  /** Comma-separated patterns (`*`, `?`, `!negated`), or undefined for a hashed entry. */
  patterns: string[] | undefined;
  /** `|1|salt|hash`: HMAC-SHA1 of the host name keyed by the salt. */
  hashed: { salt: Buffer; hash: Buffer } | undefined;
  keyType: string;
  key: Buffer;
  line: number;
}

export type HostKeyVerdict = 'known' | 'unknown' | 'changed';

/** Lines ssh(1) would skip (malformed, unknown markers) are skipped here too. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = parseLine(raw.trim(), index + 1);
    if (entry !== undefined) entries.push(entry);
  });
  return entries;
}

function parseLine(line: string, number: number): KnownHostEntry | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  const fields = line.split(/[ \t]+/);
  let marker: KnownHostEntry['marker'];
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return undefined;
  }
  const [hosts, keyType, keyText] = fields;
  if (hosts === undefined || keyType === undefined || keyText === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) return undefined;
  const key = Buffer.from(keyText, 'base64');
  if (key.length === 0) return undefined;
  if (hosts.startsWith('|')) {
    const hashed = parseHashed(hosts);
    if (hashed === undefined) return undefined;
    return { marker, patterns: undefined, hashed, keyType, key, line: number };
  }
  return { marker, patterns: hosts.toLowerCase().split(','), hashed: undefined, keyType, key, line: number };
}

function parseHashed(field: string): KnownHostEntry['hashed'] {
  const parts = field.split('|');
  // ['', '1', salt, hash]: version 1 is the only one OpenSSH writes.
  if (parts.length !== 4 || parts[1] !== '1') return undefined;
  const salt = Buffer.from(parts[2] as string, 'base64');
  const hash = Buffer.from(parts[3] as string, 'base64');
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { salt, hash };
}

/** What `ssh-keygen -H` writes for a name: exported so tests and tools can make hashed entries. */
export function hashHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

/** `*` any run, `?` one character; everything else literal. */
function globMatch(text: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed !== undefined) {
    const actual = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return timingSafeEqual(actual, entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns ?? []) {
    if (pattern.startsWith('!')) {
      // A negated match vetoes the whole line, as in ssh(1).
      if (globMatch(name, pattern.slice(1))) return false;
    } else if (globMatch(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}

/** Host key entries (no markers) that name this target. */
export function entriesForHost(entries: readonly KnownHostEntry[], target: Pick<SshTarget, 'host' | 'port'>): KnownHostEntry[] {
  const name = knownHostsName(target.host.toLowerCase(), target.port);
  return entries.filter((entry) => entry.marker === undefined && entryMatches(entry, name));
}

/**
 * `known`: an entry for this host holds exactly this key. `changed`: the host
 * has keys of this type but not this one, or the key is revoked. `unknown`:
 * nothing of this type is recorded for the host.
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  target: Pick<SshTarget, 'host' | 'port'>,
  keyType: string,
  keyBase64: string,
): HostKeyVerdict {
  const key = Buffer.from(keyBase64, 'base64');
  // A revoked key is refused whatever host it is presented by.
  if (entries.some((entry) => entry.marker === 'revoked' && entry.key.equals(key))) return 'changed';
  const sameType = entriesForHost(entries, target).filter((entry) => entry.keyType === keyType);
  if (sameType.some((entry) => entry.key.equals(key))) return 'known';
  return sameType.length > 0 ? 'changed' : 'unknown';
}
