import { safeDecode } from '../core/safeDecode.js';
/**
 * How a PostgreSQL URL may be shown: without its password, so it can name
 * the ledger in errors, reports and logs. A URL that does not parse is
 * shown as its scheme only, since any part of it could be the secret.
 */
export function postgresLabel(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    // Query parameters can carry a password too (?password=...).
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    return `${url.split(':')[0] ?? 'postgres'}://(unparsable URL)`;
  }
}

/** Every form of the URL's password that could leak: raw, decoded, and in query parameters. */
export function postgresSecrets(url: string): string[] {
  const found = new Set<string>();
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      found.add(parsed.password);
      found.add(safeDecode(parsed.password));
    }
    for (const [key, value] of parsed.searchParams) if (/pass|secret|token|key/i.test(key) && value !== '') found.add(value);
  } catch {
    // An unparsable URL is never shown (see postgresLabel); hide it whole.
    found.add(url);
  }
  return [...found];
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}
