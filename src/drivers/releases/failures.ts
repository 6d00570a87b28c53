/**
 * How a failed command becomes a one-line error: what was run, how it ended,
 * and the last thing it said, which is almost always the reason. The full
 * (already redacted) output goes into the details for the report.
 */
import { RewindError, type ErrorCode } from '../../core/errors.js';
import type { CommandResult } from '../../core/ports.js';
import { reasonLine } from '../../core/reasonLine.js';


/** For display only: the command itself is always run as an argument array. */
export function showCommand(argv: readonly string[]): string {
  return argv.join(' ');
}

export function commandFailed(code: ErrorCode, what: string, result: CommandResult, extra: Record<string, unknown> = {}): RewindError {
  const said = reasonLine(result.stderr) || reasonLine(result.stdout);
  const message = `${what}: \`${showCommand(result.argv)}\` exited with code ${result.code}${said === '' ? '' : `: ${said}`}`;
  return new RewindError(code, message, {
    ...extra,
    argv: result.argv,
    exitCode: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    durationMs: result.durationMs,
  });
}
