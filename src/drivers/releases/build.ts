/**
 * The configured build commands, run in order inside the new release dir.
 * Placeholders are substituted per argument; nothing passes through a shell.
 */
import { rewindEnv } from '../../core/rewindEnv.js';
import { RewindError } from '../../core/errors.js';
import type { Exec } from '../../core/ports.js';
import { expandArgv, type TemplateVars } from '../../core/template.js';
import { commandFailed, showCommand } from './failures.js';

export interface BuildContext {
  exec: Exec;
  version: string;
  releaseDir: string;
  vars: TemplateVars;
  timeoutMs?: number;
}

export async function runBuild(commands: readonly (readonly string[])[], ctx: BuildContext): Promise<void> {
  const env = rewindEnv({ version: ctx.version, sha: ctx.vars.sha, releaseDir: ctx.releaseDir });
  for (const command of commands) {
    const argv = expandArgv(command, ctx.vars);
    let result;
    try {
      result = await ctx.exec.run(argv, { cwd: ctx.releaseDir, env, timeoutMs: ctx.timeoutMs });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new RewindError(
        'BUILD_FAILED',
        `release ${ctx.version} failed to build: \`${showCommand(argv)}\` could not be started: ${why}`,
        { version: ctx.version, argv },
        { cause: error },
      );
    }
    if (result.code !== 0) throw commandFailed('BUILD_FAILED', `release ${ctx.version} failed to build`, result, { version: ctx.version });
  }
}
