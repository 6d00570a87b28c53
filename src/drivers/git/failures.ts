/**
 * How a failed command is told in one line: what ran, how it ended, and the
 * last thing it said, which is almost always the reason.
 */
import type { CommandResult } from '../../core/ports.js';

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

/**
 * The line most likely to hold the reason: git's own `fatal:`/`error:` line
 * when there is one (git often ends with advice such as "remove the file
 * manually to continue"), else the last line that is not npm's pointer to
 * its log file.
 */
export function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/complete log of this run can be found in/i.test(line));
  const flagged = lines.filter((line) => /^(fatal|error):/i.test(line));
  return flagged[flagged.length - 1] ?? lines[lines.length - 1] ?? '';
}

/** For display only: commands are always run as argument arrays. */
export function showCommand(argv: readonly string[]): string {
  return argv.join(' ');
}

export function failureOf(result: CommandResult): CommandFailure {
  return {
    argv: result.argv,
    code: result.code,
    said: lastLine(result.stderr) || lastLine(result.stdout),
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
