/**
 * The switch: the activate commands in order, the first that fails stops
 * it. rewind cannot make the user's switch atomic; what it can do is say
 * exactly how far it got, so that the report and the operator know whether
 * the target may be half-switched. A drill shows the same commands,
 * substituted as a real run would run them, without running them.
 */
import type { RunContext } from '../../core/driver.js';
import { reasonLine } from '../../core/reasonLine.js';
import type { CommandDriverContext } from './context.js';
import { commandFailed, expand, runCommand } from './run.js';
import { showArgv, showCommands } from './show.js';

/** Returns one line for the step: what ran and what it said last. */
export async function activateVersion(ctx: CommandDriverContext, version: string, run?: RunContext): Promise<string> {
  const commands = ctx.config.activate;
  const said: string[] = [];
  for (const [index, command] of commands.entries()) {
    const result = await runCommand(ctx, 'activate', command, { version, run }, 'STEP_FAILED');
    if (result.code !== 0) {
      const note = index === 0
        ? ''
        : ` (after ${index} of ${commands.length} activate commands had succeeded: the target may be partly switched)`;
      throw commandFailed('activate', result, 'STEP_FAILED', note);
    }
    // What a switch script prints last is usually what it did ("current -> v1").
    const last = clip(reasonLine(result.stdout) || reasonLine(result.stderr));
    said.push(`\`${showArgv(result.argv)}\` exited 0${last === '' ? '' : `: ${last}`}`);
  }
  return said.join('; ');
}

/** What activate would run for `version`, for a drill: nothing is run. */
export function describeActivation(ctx: CommandDriverContext, version: string): string {
  return `would run ${showCommands(ctx.config.activate.map((command) => expand(ctx, command, { version })))} in ${ctx.cwd}`;
}

/** The step's output is journaled: one script's very long last line must not fill it. */
function clip(line: string, max = 200): string {
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
