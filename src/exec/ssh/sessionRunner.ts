/**
 * The remote half of a command session (shellSession.ts): one POSIX sh loop
 * per connection that runs rewind's commands one after another, so that a
 * rollback pays for one login shell per host instead of one per command.
 * sshd starts every channel as `$SHELL -c '<command>'`, and a login shell
 * that reads its rc files (bash does when started by sshd) can cost more
 * than the command itself: 0.1-0.3 s on a host whose .bashrc initialises a
 * version manager.
 *
 * The runner's text is constant apart from numbers and a random token; the
 * commands arrive on its stdin, each as `run <id> <bytes>\n` followed by the
 * command text (built by sessionScript below), so neither they nor the
 * environment values in them ever appear in the host's process list.
 *
 * Each command runs in the background with stdin from /dev/null and its
 * output in two files of a private temp dir, while the loop keeps reading
 * its input: the command's output cannot mix with the protocol, even when it
 * leaves a daemon holding stdout. When it ends, the runner writes
 * `rewind-done <id> <status> <out bytes> <out bytes sent> <err bytes> <err
 * bytes sent>\n`, then the end of each output (at most maxOutputBytes).
 *
 * File operations (fileCommands.ts) arrive as `op <name>\n` and the
 * request of the file operations loop (opServer.ts); they are answered at
 * once, in its reply format, so that a host needs no SFTP session for the
 * few reads and renames a rollback makes before its reload. rewind sends one
 * only while no command runs: the two replies never mix.
 *
 * `stop\n`, end of input (rewind closed the channel or lost the connection)
 * or anything it does not understand ends the session the way the
 * supervised wrapper ends a command (supervise.ts): TERM to the session's
 * whole process group, KILL after the grace period. `exit\n` ends it at once
 * (nothing is running then).
 */
import { RewindError } from '../../core/errors.js';
import { assertEnvName, remoteCommand, shellQuote } from '../shellQuote.js';
import { ANSWERING, answerRequest, functions, PRELUDE, type FileCommand } from './fileCommands.js';
import { encodeRequest } from './opServer.js';

export const READY_WORD = 'rewind-session-ready';
export const DONE_WORD = 'rewind-done';

export interface RunnerSettings {
  /** Printed after setup; anything the login shell printed before it is skipped. */
  token: string;
  killGraceMs: number;
  maxOutputBytes: number;
}

export function runnerScript(settings: RunnerSettings): string {
  const { token, killGraceMs, maxOutputBytes } = settings;
  if (!/^[A-Za-z0-9]+$/.test(token)) throw new RangeError('the session token must be letters and digits');
  if (!Number.isFinite(killGraceMs) || killGraceMs < 0) {
    throw new RangeError(`killGraceMs must be a non-negative number, got ${killGraceMs}`);
  }
  if (!Number.isInteger(maxOutputBytes) || maxOutputBytes < 1) {
    throw new RangeError(`maxOutputBytes must be a positive integer, got ${maxOutputBytes}`);
  }
  const grace = `sleep ${(killGraceMs / 1000).toFixed(3)} 2>/dev/null || sleep ${Math.max(1, Math.ceil(killGraceMs / 1000))}`;
  const file = (suffix: string): string => `"$d/$id.${suffix}"`;
  const size = (suffix: string): string => `$(wc -c <${file(suffix)})`;
  const command = [
    `( eval "$s" ) >${file('o')} 2>${file('e')}`,
    'r=$?',
    `tail -c ${maxOutputBytes} ${file('o')} >${file('O')}`,
    `tail -c ${maxOutputBytes} ${file('e')} >${file('E')}`,
    `printf '${DONE_WORD} %s %s %s %s %s %s\\n' "$id" "$r" ${size('o')} ${size('O')} ${size('e')} ${size('E')}`,
    `cat ${file('O')} ${file('E')}`,
    `rm -f ${file('o')} ${file('O')} ${file('e')} ${file('E')}`,
  ].join('; ');
  return [
    'exec 3<&0 </dev/null',
    'd=$(mktemp -d "${TMPDIR:-/tmp}/rewind-session.XXXXXX") || exit 97',
    'c=',
    `e="$d/op.e"`,
    "nl='\n'",
    functions(ANSWERING),
    // A handler, not an ignore: the commands keep TERM's default, the runner survives its own TERM.
    'trap : TERM',
    `printf '\\n${READY_WORD} %s\\n' ${token}`,
    'while IFS=" " read -r verb id n <&3; do',
    '  case $verb in',
    '  run)',
    '    case "$id$n" in ""|*[!0-9]*) break;; esac',
    // Reaps the previous command (rewind sends the next only after its reply).
    '    [ -z "$c" ] || wait "$c"',
    // The trailing x keeps trailing newlines, which $(...) would strip.
    '    s=$(dd bs=1 count="$n" <&3 2>/dev/null; printf x); s=${s%x}',
    `    { ${command}; } </dev/null 3<&- &`,
    '    c=$!;;',
    // Answered at once, in a subshell of its own: only sent while no command runs.
    '  op)',
    `    case $id$n in ${ANSWERING.join('|')}) ;; *) break;; esac`,
    `    ( op=$id; ${PRELUDE}\n${answerRequest(3)}\n    ) </dev/null || break;;`,
    '  exit) rm -rf "$d"; exit 0;;',
    '  *) break;;',
    '  esac',
    'done',
    'rm -rf "$d"',
    `kill -s TERM 0; ${grace}; kill -s KILL 0`,
  ].join('\n');
}

/**
 * The text the runner evals for one command: the environment exported in
 * the command's own subshell, then `cd && argv` as remoteCommand builds it.
 * Every value is single-quoted by the one quoting function.
 */
export function sessionScript(argv: readonly string[], options: { cwd?: string; env?: Readonly<Record<string, string>> } = {}): string {
  const exports = Object.entries(options.env ?? {}).map(([name, value]) => {
    assertEnvName(name);
    if (value.includes('\0')) {
      throw new RewindError('STEP_FAILED', `the value of ${name} contains a NUL byte, which no environment can hold`, { name });
    }
    return `export ${name}=${shellQuote([value])}; `;
  });
  return exports.join('') + remoteCommand(argv, { cwd: options.cwd });
}

/** The request for one command. */
export function runRequest(id: number, script: string): Buffer {
  const body = Buffer.from(script, 'utf8');
  return Buffer.concat([Buffer.from(`run ${id} ${body.length}\n`), body]);
}

/** The request for one file operation: `op <name>\n`, then its arguments as the file operations loop takes them. */
export function opRequest(op: FileCommand, args: readonly string[]): Buffer {
  return Buffer.concat([Buffer.from('op '), encodeRequest(op, args)]);
}

export const STOP_REQUEST = 'stop\n';
export const EXIT_REQUEST = 'exit\n';

export interface DoneHeader {
  id: number;
  status: number;
  outBytes: number;
  outSent: number;
  errBytes: number;
  errSent: number;
  /** Length of the header line, newline included. */
  length: number;
}

/** The reply header at the start of `buffer`: undefined while incomplete; throws when it is not one. */
export function parseDone(buffer: Buffer): DoneHeader | undefined {
  const end = buffer.indexOf(0x0a);
  if (end === -1) {
    if (buffer.length > 200) throw new Error('the session sent something that is not a reply');
    return undefined;
  }
  const match = new RegExp(`^${DONE_WORD} (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+)$`).exec(buffer.subarray(0, end).toString('latin1'));
  if (!match) {
    throw new Error(
      `the session sent something that is not a reply: ${JSON.stringify(buffer.subarray(0, Math.min(end, 80)).toString('utf8'))}`,
    );
  }
  const [id, status, outBytes, outSent, errBytes, errSent] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  return { id, status, outBytes, outSent, errBytes, errSent, length: end + 1 };
}
