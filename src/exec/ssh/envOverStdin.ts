/**
 * Environment values for a remote command, sent on the channel's stdin
 * instead of in the command line. sshd runs a command as `$SHELL -c
 * '<command>'`, and that shell's arguments are in the host's process list
 * for as long as the command runs: a database URL or a token put there is
 * readable by every local user. Only the variables' names (checked to be
 * plain identifiers) are in the command; each value arrives as its byte
 * count, a newline, and the bytes, read by `dd` so that no value can end
 * early or spill into the next. What follows on stdin belongs to the
 * supervised wrapper's watcher (see supervise.ts).
 */
import { RewindError } from '../../core/errors.js';
import { assertEnvName } from '../shellQuote.js';

/** Shell text that reads the values and exports them; exits 255 if stdin ends first. */
export function envPrologue(names: readonly string[]): string {
  if (names.length === 0) return '';
  for (const name of names) assertEnvName(name);
  // The trailing x keeps trailing newlines of a value, which $(...) would strip.
  const read = 'IFS= read -r __rewind_n && __rewind_v=$(dd bs=1 count="$__rewind_n" 2>/dev/null; printf x) && __rewind_v=${__rewind_v%x}';
  return `${names.map((name) => `{ ${read} && export ${name}="$__rewind_v"; } || exit 255; `).join('')}unset __rewind_n __rewind_v; `;
}

/** What to write to stdin for `envPrologue`, in the same order. */
export function envPayload(values: readonly string[]): string {
  return values
    .map((value, index) => {
      if (value.includes('\0')) {
        throw new RewindError(
          'STEP_FAILED',
          `the value of environment variable ${index + 1} contains a NUL byte, which no environment can hold`,
        );
      }
      return `${Buffer.byteLength(value)}\n${value}`;
    })
    .join('');
}
