/**
 * What the target is switched to, as the user's inspect command says: the
 * first non-empty line of its stdout, trimmed; no output means nothing is
 * deployed. It runs for status, for every plan and in drills, so it must
 * only read. A line that is not a usable version name is reported, never
 * passed on: versions end up in paths and arguments.
 */
import type { LiveState } from '../../core/driver.js';
import { isSafeName } from '../../core/names.js';
import type { CommandDriverContext } from './context.js';
import { commandFailed, runCommand } from './run.js';
import { showArgv } from './show.js';

export async function inspectTarget(ctx: CommandDriverContext): Promise<LiveState> {
  const result = await runCommand(ctx, 'inspect', ctx.config.inspect, {}, 'STEP_FAILED');
  // Not knowing what runs is a failure, not "nothing runs": a plan made on it would be wrong.
  if (result.code !== 0) throw commandFailed('inspect', result, 'STEP_FAILED', ': cannot tell which version the target runs');
  const line = result.stdout.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  // There is no release dir to point at: where the commands run is the nearest thing.
  const artifact = ctx.cwd;
  if (line === undefined) return { version: null, artifact: null, problems: [] };
  if (!isSafeName(line)) {
    const shown = JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}...` : line);
    return {
      version: null,
      artifact,
      problems: [
        `inspect \`${showArgv(result.argv)}\` printed ${shown}, which is not a usable version name ` +
          `(letters, digits, '.', '_', '+', '-'; not starting with '-' or '.')`,
      ],
    };
  }
  return { version: line, artifact, problems: [] };
}
