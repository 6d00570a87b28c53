/**
 * Running one of the user's commands on the host: placeholders substituted
 * per argument (never through a shell), in the driver's cwd, with its
 * REWIND_* variables and the configured timeout. What it said comes back
 * already redacted by the Exec; a failure becomes one line naming the
 * command, how it ended and the last thing it said.
 */
import type { RunContext } from '../../core/driver.js';
import { isRewindError, RewindError, type ErrorCode } from '../../core/errors.js';
import type { CommandResult } from '../../core/ports.js';
import { reasonLine } from '../../core/reasonLine.js';
import { expandArgv } from '../../core/template.js';
import type { CommandDriverContext } from './context.js';
import { showArgv } from './show.js';
import { commandEnv, commandVars } from './told.js';

/** Which of the section's commands: it names the command in every message. */
export type Phase = 'activate' | 'inspect' | 'prepare' | 'present';

export interface Facts {
  /** Absent for inspect. */
  version?: string;
  run?: RunContext;
}

/** The argument array a command of the section becomes for these facts. */
export function expand(ctx: CommandDriverContext, template: readonly string[], facts: Facts): string[] {
  return expandArgv(template, commandVars(ctx, facts.version));
}

/**
 * Runs the command and returns its result whatever its exit code. Throws only
 * when it could not run at all: a program that cannot be started (as `code`,
 * naming the phase), or a host that cannot be reached (as the Exec said it).
 */
export async function runCommand(
  ctx: CommandDriverContext,
  phase: Phase,
  template: readonly string[],
  facts: Facts,
  code: ErrorCode,
): Promise<CommandResult> {
  const argv = expand(ctx, template, facts);
  try {
    return await ctx.exec.run(argv, { cwd: ctx.cwd, env: commandEnv(ctx, facts.version, facts.run), timeoutMs: ctx.config.timeout });
  } catch (error) {
    // A local program that cannot start is the Exec's STEP_FAILED; an SSH failure keeps its own code.
    if (isRewindError(error) && error.code === 'STEP_FAILED') {
      throw new RewindError(
        code,
        `${phase} \`${showArgv(argv)}\` could not be started: ${error.message}`,
        { ...error.details, phase },
        { cause: error },
      );
    }
    throw error;
  }
}

/** Runs the command and throws `code` unless it exits 0. */
export async function runOrFail(
  ctx: CommandDriverContext,
  phase: Phase,
  template: readonly string[],
  facts: Facts,
  code: ErrorCode,
): Promise<CommandResult> {
  const result = await runCommand(ctx, phase, template, facts, code);
  if (result.code !== 0) throw commandFailed(phase, result, code);
  return result;
}

/** "activate `./switch.sh v1` exited 3: cannot write /srv/app/current" */
export function commandFailed(phase: Phase, result: CommandResult, code: ErrorCode, note = ''): RewindError {
  const said = whatItSaid(result);
  return new RewindError(code, `${phase} \`${showArgv(result.argv)}\` exited ${result.code}${said === '' ? '' : `: ${said}`}${note}`, {
    phase,
    argv: result.argv,
    exitCode: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
  });
}

/**
 * The line most likely to say why: the Exec's own timeout note when it killed
 * the command (a script's earlier "error:" line would otherwise win), else
 * the reason line of stderr, else of stdout.
 */
export function whatItSaid(result: CommandResult): string {
  const lines = result.stderr.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const last = lines[lines.length - 1] ?? '';
  if (/^rewind: timed out after /.test(last)) return last;
  return reasonLine(result.stderr) || reasonLine(result.stdout);
}
