/**
 * How a failed command is told in one line: what ran, how it ended, and the
 * last thing it said, which is almost always the reason.
 */
import type { CommandResult } from '../../core/ports.js';
import { reasonLine } from '../../core/reasonLine.js';

/** A command that did not succeed: it exited non-zero, or could not be started at all. */
export interface CommandFailure {
  argv: string[];
  /** null when the program could not be started. */
  code: number | null;
  /** The last line of stderr (else stdout), or why it could not start. */
  said: string;
  stdout: string;
  stderr: string;
}


/** For display only: commands are always run as argument arrays. */
export function showCommand(argv: readonly string[]): string {
  return argv.join(' ');
}

export function failureOf(result: CommandResult): CommandFailure {
  return {
    argv: result.argv,
    code: result.code,
    said: reasonLine(result.stderr) || reasonLine(result.stdout),
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

export function startFailure(argv: readonly string[], error: unknown): CommandFailure {
  const why = error instanceof Error ? error.message : String(error);
  return { argv: [...argv], code: null, said: why, stdout: '', stderr: '' };
}

/** "`npm run build` exited 1: Cannot find module" */
export function describeFailure(failure: CommandFailure): string {
  const command = `\`${showCommand(failure.argv)}\``;
  if (failure.code === null) return `${command} could not be started: ${failure.said}`;
  return `${command} exited ${failure.code}${failure.said === '' ? '' : `: ${failure.said}`}`;
}

/** The facts of a failure for --json output and reports (already redacted by the Exec). */
export function failureDetails(failure: CommandFailure): Record<string, unknown> {
  return { argv: failure.argv, exitCode: failure.code, stdout: failure.stdout, stderr: failure.stderr };
}
