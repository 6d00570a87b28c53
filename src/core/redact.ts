/**
 * Secret redaction for everything a process prints. Output ends up in the
 * ledger, reports and the audit log, which are shared far more widely than
 * the secrets themselves, so it is scrubbed before anyone else sees it.
 * Pure: reports (operations) and runners (exec) share it.
 */
import { safeDecode } from './safeDecode.js';

export const REDACTED = '***';

/** Shorter values would blank out ordinary words and digits everywhere. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Replace every occurrence of every secret with `***`. Occurrences may overlap
 * or nest (one secret inside another, `aaaa` in `aaaaa`): every character any
 * occurrence covers is hidden, so no fragment of a secret survives.
 */
export function redact(text: string, secrets: readonly string[], options: { truncatedStart?: boolean } = {}): string {
  return redactedParts(text, secrets, options).map((part) => (part.secret ? REDACTED : part.text)).join('');
}

/** A stretch of text, and whether it is (part of) a secret. */
export interface TextPart {
  text: string;
  secret: boolean;
}

/**
 * The text cut into the stretches `redact` keeps and the ones it hides, in
 * order: for writers that must escape what they keep (markdown) without
 * touching a secret before it is hidden.
 */
export function redactedParts(text: string, secrets: readonly string[], options: { truncatedStart?: boolean } = {}): TextPart[] {
  const usable = usableSecrets(secrets);
  if (usable.length === 0 || text.length === 0) return text.length === 0 ? [] : [{ text, secret: false }];
  const covered = new Uint8Array(text.length);
  for (const secret of usable) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) covered.fill(1, at, at + secret.length);
    // Output kept from the end of a long stream may begin in the middle of a
    // secret; that leading tail could never match in full.
    if (options.truncatedStart) {
      const tail = longestLeadingTail(text, secret);
      if (tail > 0) covered.fill(1, 0, tail);
    }
  }
  const parts: TextPart[] = [];
  let index = 0;
  while (index < text.length) {
    const start = index;
    const secret = covered[index] === 1;
    while (index < text.length && (covered[index] === 1) === secret) index += 1;
    parts.push({ text: text.slice(start, index), secret });
  }
  return parts;
}

/** Length of the longest proper suffix of `secret` that `text` starts with. */
function longestLeadingTail(text: string, secret: string): number {
  for (let length = Math.min(secret.length - 1, text.length); length > 0; length -= 1) {
    if (text.startsWith(secret.slice(secret.length - length))) return length;
  }
  return 0;
}

function usableSecrets(secrets: readonly string[]): string[] {
  const unique = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) unique.add(secret);
  }
  return [...unique];
}

/**
 * Names that hold secrets by convention. Matched on `_`-separated words so
 * that SSH_AUTH_SOCK or KEYBOARD_LAYOUT stay readable, with a few substrings
 * (GHTOKEN, APIKEY, MYSECRET) that are secret wherever they appear.
 */
const SECRET_SUBSTRINGS = [
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'CREDENTIAL',
  'PRIVATE',
  'WEBHOOK',
  'APIKEY',
  'DATABASE_URL',
];
const SECRET_WORDS = new Set(['KEY', 'PASS', 'AUTH', 'COOKIE', 'DSN']);
/** Well-known variables that match the patterns but hold nothing secret. */
const NOT_SECRET = new Set(['PWD', 'OLDPWD', 'SSH_AUTH_SOCK', 'GPG_AGENT_INFO', 'KEYTIMEOUT']);

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (NOT_SECRET.has(upper)) return false;
  if (SECRET_SUBSTRINGS.some((part) => upper.includes(part))) return true;
  const words = upper.split(/[^A-Z0-9]+/).filter((word) => word.length > 0);
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  // API_KEY, SIGNING_KEY, STRIPEKEY; not KEYMAP or KEYBOARD.
  return upper.endsWith('KEY');
}

/** `scheme://user:password@host`: the password part, raw and decoded. */
const URL_CREDENTIALS = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/?#]*:([^\s@/?#]+)@/g;

export function secretsInUrls(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_CREDENTIALS)) {
    const password = match[1] as string;
    found.push(password);
    const decoded = safeDecode(password);
    if (decoded !== password) found.push(decoded);
  }
  return found;
}
