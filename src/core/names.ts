import { RewindError } from './errors.js';

/**
 * Versions, release ids and run ids end up in paths and command arguments, so
 * they are restricted to a conservative alphabet: no `/`, no `..`, no
 * whitespace or shell metacharacters, no leading `-` (which a tool would read
 * as a flag) or `.` (hidden files, `.`/`..`).
 */
const SAFE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9._+-]{0,127}$/;

export function isSafeName(value: string): boolean {
  return SAFE_NAME.test(value) && !value.includes('..');
}

export function assertSafeName(value: string, what: string): string {
  if (!isSafeName(value)) {
    const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    throw new RewindError(
      'UNSAFE_NAME',
      `${what} ${shown} is not a safe name: expected 1-128 characters of letters, digits, '.', '_', '+', '-', ` +
        `not starting with '-' or '.', without '..'`,
      { what, value },
    );
  }
  return value;
}
