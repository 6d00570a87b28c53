import { MIN_SECRET_LENGTH, isSecretName, secretsInUrls } from '../core/redact.js';

/**
 * Which values of a process environment are secret: the runners redact them
 * from everything a process prints. The redaction itself is in core/redact.
 */

/** Flags and switches: redacting them would blank `true` in every log line. */
const NOT_SECRET_VALUES = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'none', 'null', 'undefined']);

/**
 * The values worth hiding from an environment: whole values of variables
 * whose names look secret, and passwords embedded in any URL-valued variable.
 */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    if (isSecretName(name) && !NOT_SECRET_VALUES.has(value.trim().toLowerCase())) found.add(value);
    for (const password of secretsInUrls(value)) {
      if (password.length >= MIN_SECRET_LENGTH) found.add(password);
    }
  }
  return [...found];
}
