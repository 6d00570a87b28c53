/**
 * How a failed command becomes a one-line error: what was run, how it ended,
 * and the last thing it said, which is almost always the reason. The full
 * (already redacted) output goes into the details for the report.
 */
import { RewindError, type ErrorCode } from '../../core/errors.js';
import type { CommandResult } from '../../core/ports.js';

export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}

/** For display only: the command itself is always run as an argument array. */
export function showCommand(argv: readonly string[]): string {
  return argv.join(' ');
}

export function commandFailed(code: ErrorCode, what: string, result: CommandResult, extra: Record<string, unknown> = {}): RewindError {
  const said = lastLine(result.stderr) || lastLine(result.stdout);
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
