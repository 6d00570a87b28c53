/**
 * A fixed POSIX sh wrapper around every remote command, so a timed-out
 * command can be killed. Closing an SSH channel does not stop the process
 * behind it, and OpenSSH ignores `signal` requests for root logins (no
 * privilege separation after auth), so the kill has to come from inside:
 *
 * - the command runs in the background with stdin from /dev/null (as locally);
 * - a watcher reads the channel's stdin: the first line (rewind's "stop") or
 *   end of input (rewind closed the channel or lost the connection) sends
 *   TERM to the session's whole process group (sshd made the session its
 *   own group), then KILL after the grace period, so nothing outlives the
 *   run that started it. The watcher ignores TERM; it owns the grace timer
 *   because sshd stops feeding stdin once the wrapper has exited;
 * - the wrapper waits for the command and exits with its status (128+n after
 *   a signal, as a shell reports it), stopping the watcher first unless a
 *   stop is under way (a TERM it catches tells it so).
 *
 * The wrapper is constant text and two numbers; the only user data in it is
 * the command line built by remoteCommand (every item single-quoted by
 * shellQuote). It needs a POSIX login shell (sh, bash, dash, ksh, zsh).
 */
export function supervised(commandLine: string, killGraceMs: number, prologue = ''): string {
  if (!Number.isFinite(killGraceMs) || killGraceMs < 0) {
    throw new RangeError(`killGraceMs must be a non-negative number, got ${killGraceMs}`);
  }
  // Fractional sleep is not POSIX; where it is refused, whole seconds.
  const grace = `sleep ${(killGraceMs / 1000).toFixed(3)} 2>/dev/null || sleep ${Math.max(1, Math.ceil(killGraceMs / 1000))}`;
  // The prologue (envOverStdin.ts) reads from stdin before the watcher takes it over.
  return prologue + [
    'exec 3<&0 </dev/null',
    `{ ${commandLine} ; } 3<&- & c=$!`,
    // A handler, not an ignore, and set only now: the command keeps TERM's default.
    'stopping=; trap "stopping=1" TERM',
    `{ trap "" TERM; read -r _ <&3; kill -s TERM 0; ${grace}; kill -s KILL 0; } >/dev/null 2>&1 & w=$!`,
    'wait "$c"; s=$?',
    '[ -n "$stopping" ] || kill -s KILL "$w" 2>/dev/null',
    'exit "$s"',
  ].join('; ');
}

/** Written to the channel's stdin to stop the command (any line would do). */
export const STOP = 'stop\n';
