import type { LoadedConfig } from '../config/load.js';
import { MIN_AUDIT_KEY_LENGTH, auditKey, type AuditKey } from '../core/auditHash.js';
import { RewindError } from '../core/errors.js';

export interface AuditKeying {
  /** Absent when audit.key_env is not set: the chain is then unkeyed. */
  key?: AuditKey;
  /** The variable named by audit.key_env, for messages. */
  variable?: string;
  /** The key, for the redaction list: it must never reach a log, report or the audit log. */
  secrets: string[];
}

/**
 * The audit chain's HMAC key, from the variable audit.key_env names. A keyed
 * chain is a promise: with the variable unset, every command stops here with
 * one line, before it writes an entry the key should have covered.
 */
export function auditKeyFromEnv(loaded: LoadedConfig, processEnv: NodeJS.ProcessEnv): AuditKeying {
  const variable = loaded.config.audit.key_env;
  if (variable === undefined) return { secrets: [] };
  const secret = processEnv[variable] ?? '';
  if (secret.trim() === '') {
    throw new RewindError(
      'AUDIT_KEY',
      `${loaded.file}: audit.key_env names ${variable}, which is not set: the audit chain is keyed with the key it holds; ` +
        `set ${variable} (or remove audit.key_env to write unkeyed entries)`,
      { key: 'audit.key_env', variable },
    );
  }
  if (secret.length < MIN_AUDIT_KEY_LENGTH) {
    throw new RewindError(
      'AUDIT_KEY',
      `${variable} (audit.key_env) holds a key of ${secret.length} characters: expected ${MIN_AUDIT_KEY_LENGTH} or more`,
      { key: 'audit.key_env', variable },
    );
  }
  return { key: auditKey(secret), variable, secrets: [secret] };
}
