/**
 * The host key decision for one connection attempt, made inside ssh2's key
 * exchange (before any credential or command is sent) and remembered so the
 * refusal can be explained afterwards.
 */
import { readFile } from 'node:fs/promises';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { RewindError } from '../../core/errors.js';
import { checkHostKey, entriesForHost, parseKnownHosts, type HostKeyVerdict, type KnownHostEntry } from './knownHosts.js';
import { label, type SshTarget } from './target.js';

export interface HostKeyOutcome {
  verdict: HostKeyVerdict;
  keyType: string;
  revoked: boolean;
  accepted: boolean;
}

export interface HostKeyCheck {
  verify(key: Buffer): boolean;
  /** Set once the server has shown its key. */
  outcome(): HostKeyOutcome | undefined;
  /**
   * For ssh2's `algorithms.serverHostKey`: the types known for this host
   * first, so a server with several host keys shows one that can be checked.
   * Undefined when nothing is known (ssh2's default order).
   */
  algorithmOrder: ServerHostKeyAlgorithm[] | undefined;
}

/** Signature algorithms that prove a key of each known_hosts type; only ones ssh2 supports. */
const ALGORITHMS_FOR_TYPE: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** ssh2's own default preference (ssh-dss is supported but not offered by default). */
const DEFAULT_ORDER: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export async function prepareHostKeyCheck(target: SshTarget, knownHostsFile: string, strict: boolean): Promise<HostKeyCheck> {
  const entries = await readKnownHosts(target, knownHostsFile);
  let outcome: HostKeyOutcome | undefined;
  return {
    verify(key) {
      const keyType = keyTypeOf(key);
      const verdict = checkHostKey(entries, target, keyType, key.toString('base64'));
      const revoked = entries.some((entry) => entry.marker === 'revoked' && entry.key.equals(key));
      // Not strict trusts a key never seen; a key that contradicts the record is refused all the same.
      const accepted = verdict === 'known' || (verdict === 'unknown' && !strict);
      outcome = { verdict, keyType, revoked, accepted };
      return accepted;
    },
    outcome: () => outcome,
    algorithmOrder: algorithmOrder(entries, target),
  };
}

function algorithmOrder(entries: readonly KnownHostEntry[], target: SshTarget): ServerHostKeyAlgorithm[] | undefined {
  const known = [...new Set(entriesForHost(entries, target).flatMap((entry) => ALGORITHMS_FOR_TYPE[entry.keyType] ?? []))];
  if (known.length === 0) return undefined;
  return [...known, ...DEFAULT_ORDER.filter((algorithm) => !known.includes(algorithm))];
}

async function readKnownHosts(target: SshTarget, file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file yet is the same as no entry for this host.
    if (code === 'ENOENT') return [];
    throw new RewindError('HOST_KEY_UNKNOWN', `${label(target)}: cannot read known_hosts file ${file} (${code ?? String(error)})`, {
      host: label(target),
      knownHostsFile: file,
    });
  }
}

/** The key type named at the start of an SSH public key blob (a uint32 length, then the name). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return 'unknown';
  return blob.subarray(4, 4 + length).toString('latin1');
}
