/**
 * The ONE place an argument array becomes a shell command line, for the
 * remote side of SSH, where the server hands the command to the login shell
 * as a string. Every item is single-quoted, always: inside single quotes a
 * POSIX shell interprets nothing, so no version, path or ref can split,
 * expand, glob or inject. Nothing else in rewind may build a shell string.
 */
import { stepFailed } from '../core/stepFailed.js';
import { RewindError } from '../core/errors.js';

export interface RemoteCommandOptions {
  cwd?: string;
  env?: Readonly<Record<string, string>>;
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Refuses a variable name a shell would not take as one (it would be a command, or an injection). */
export function assertEnvName(name: string): void {
  if (!ENV_NAME.test(name)) {
    throw new RewindError(
      'STEP_FAILED',
      `environment variable name ${JSON.stringify(name)} is not valid: expected letters, digits and _ not starting with a digit`,
      { name },
    );
  }
}

/** One item as a single-quoted word: `'` becomes `'\''` (close, escaped quote, reopen). */
function quoteOne(item: string, what: string): string {
  if (typeof item !== 'string') {
    throw new RewindError('STEP_FAILED', `${what} is not a string: a remote command takes an array of strings`);
  }
  // A C string ends at NUL: the remote side would silently cut the item short.
  if (item.includes('\0')) {
    throw new RewindError('STEP_FAILED', `${what} contains a NUL byte, which no command can receive`);
  }
  return `'${item.replaceAll("'", "'\\''")}'`;
}

/** `['a b', "it's"]` → `'a b' 'it'\''s'`. Empty items stay as `''`, so they are not lost. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((item, index) => quoteOne(item, `argument ${index}`)).join(' ');
}

/**
 * The command line for `argv` run in `cwd` with `env` added:
 * `cd -- '<cwd>' && env -- 'K=V' '<argv0>' ...`. The `&&` keeps the program
 * from running somewhere else when the directory is missing.
 */
export function remoteCommand(argv: readonly string[], options: RemoteCommandOptions = {}): string {
  const program = argv[0];
  if (program === undefined || program === '') {
    throw stepFailed('emptyCommand', {});
  }
  const parts: string[] = [];
  if (options.cwd !== undefined) {
    if (options.cwd === '') throw new RewindError('STEP_FAILED', 'the working directory of a remote command is empty');
    parts.push(`cd -- ${quoteOne(options.cwd, 'the working directory')} &&`);
  }
  const env = Object.entries(options.env ?? {});
  if (env.length > 0) {
    for (const [name] of env) assertEnvName(name);
    // env(1) takes the first word containing `=` after its assignments as one more assignment.
    if (program.includes('=')) {
      throw new RewindError(
        'STEP_FAILED',
        `program name ${JSON.stringify(program)} contains "=", which env(1) would take for a variable`,
        { program },
      );
    }
    parts.push('env --', env.map(([name, value]) => quoteOne(`${name}=${value}`, `the value of ${name}`)).join(' '));
  }
  parts.push(shellQuote(argv));
  return parts.join(' ');
}
