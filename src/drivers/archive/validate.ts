/**
 * Validating a staged version before it is swapped in: the environment's
 * smoke commands run with `{release_dir}` (and the cwd) set to the staging
 * dir, as argument arrays through the Exec, with the REWIND_* variables.
 * The first that fails stops the switch with nothing swapped. Verification
 * runs them again once the version is live, against the live dir.
 */
import { isAbsolute, basename } from 'node:path';
import type { RunContext } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { reasonLine } from '../../core/reasonLine.js';
import { rewindEnv } from '../../core/rewindEnv.js';
import { expandArgv } from '../../core/template.js';
import type { ArchiveContext } from './context.js';

/** A smoke command that hangs must not hang the switch with it. */
const SMOKE_TIMEOUT_MS = 5 * 60_000;

/** Returns what ran, for the step's line; throws STEP_FAILED on the first command that fails. */
export async function validateStaged(
  ctx: ArchiveContext, version: string, staged: string, liveVersion: string | null, run?: RunContext,
): Promise<string> {
  const vars = {
    version, sha: '', release_dir: staged, previous_release_dir: ctx.layout.live, env: ctx.env, app: ctx.app, host: ctx.address,
  };
  const env = rewindEnv({
    version, releaseDir: staged, previousVersion: run?.previousVersion, env: ctx.env, runId: run?.runId, user: run?.user,
  });
  const kept = `nothing was swapped: ${ctx.layout.live} still holds ${liveVersion ?? 'what it held'}`;
  for (const command of ctx.smoke) {
    const argv = expandArgv(command, vars);
    let result;
    try {
      result = await ctx.exec.run(argv, { cwd: staged, env, timeoutMs: SMOKE_TIMEOUT_MS });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new RewindError('STEP_FAILED', `${version} could not be validated: \`${show(argv)}\` could not be started: ${why}; ${kept}`);
    }
    if (result.code !== 0) {
      const said = reasonLine(result.stderr) || reasonLine(result.stdout);
      throw new RewindError(
        'STEP_FAILED',
        `${version} failed validation in ${staged}: \`${show(argv)}\` exited ${result.code}${said ? `: ${said}` : ''}; ${kept}`,
        { argv: result.argv, exitCode: result.code, stdout: result.stdout, stderr: result.stderr },
      );
    }
  }
  return ctx.smoke.length === 0 ? '' : `validated by ${ctx.smoke.length} smoke command${ctx.smoke.length === 1 ? '' : 's'}`;
}

/** For display only: absolute program paths shortened to their file name. */
function show(argv: readonly string[]): string {
  return argv.map((item, i) => (i === 0 && isAbsolute(item) ? basename(item) : item)).join(' ');
}
