/**
 * A receiver URL may carry credentials (`https://user:password@host/x`), the
 * way many webhook endpoints are handed out. fetch refuses such a URL, so
 * they are taken out of it and sent as HTTP Basic auth, as a browser or curl
 * would send them.
 */
import { safeDecode } from '../core/safeDecode.js';

export interface SplitUrl {
  /** The URL without user and password. */
  url: string;
  /** `Basic <base64 of user:password>`, when the URL had credentials. */
  authorization?: string;
  /** `user:password`, decoded: what the header encodes. */
  credentials?: string;
}

export function splitCredentials(text: string): SplitUrl {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    // Not a URL: fetch says so, and the whole text is treated as a secret anyway.
    return { url: text };
  }
  if (parsed.username === '' && parsed.password === '') return { url: text };
  const credentials = `${safeDecode(parsed.username)}:${safeDecode(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`, credentials };
}

/** Every form the credentials of `url` take on the way out, for redaction; none when it has none. */
export function credentialSecrets(url: string): string[] {
  const split = splitCredentials(url);
  if (split.authorization === undefined || split.credentials === undefined) return [];
  // The URL without them is the receiver's address: as secret as the URL it came from.
  return [split.url, split.credentials, split.authorization.slice('Basic '.length)];
}
