import { RewindError } from './errors.js';

/**
 * Control characters (a newline, ESC), format characters (bidirectional
 * overrides, zero-width spaces) and line or paragraph separators: none
 * belongs in a person's name, and each could make a record say more, or
 * something else, than who acted. A name that looks like "boss@example.com"
 * must be exactly that.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export function hasControlCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/**
 * Who acts is written into the ledger, the audit log, reports and CSV rows:
 * refuse a name holding any of those characters instead of writing it.
 * `source` says where the name came from (`REWIND_USER`, git's user.email).
 */
export function assertActorName(name: string, source: string): string {
  const found = UNSAFE.exec(name);
  if (found) {
    const code = `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}...` : name);
    throw new RewindError(
      'UNSAFE_ACTOR',
      `${source} ${shown} holds a control character (${code}): expected a name on one line, ` +
        'such as alice@example.com',
      { source },
    );
  }
  return name;
}
