/**
 * What one of the user's commands is told: the placeholders substituted in
 * its arguments and the REWIND_* variables of its environment. There is no
 * release dir in this driver, so {release_dir} (and REWIND_RELEASE_DIR) is
 * where the commands run: a migration tool or a reload that runs "in the
 * release dir" runs there too.
 */
import type { RunContext } from '../../core/driver.js';
import { rewindEnv } from '../../core/rewindEnv.js';
import type { TemplateVars } from '../../core/template.js';
import type { CommandDriverContext } from './context.js';

/** `version` is absent for inspect, which finds the version out rather than being told one. */
export function commandVars(ctx: CommandDriverContext, version?: string): TemplateVars {
  return {
    ...(version === undefined ? {} : { version }),
    env: ctx.env,
    app: ctx.app,
    host: ctx.host,
    release_dir: ctx.cwd,
    previous_release_dir: ctx.cwd,
    ...(ctx.slot ? { slot: ctx.slot.name, port: String(ctx.slot.port) } : {}),
  };
}

/**
 * The REWIND_* variables (defined once, in core/rewindEnv). The run's facts
 * only when the caller gave the run: REWIND_PREVIOUS_VERSION unset means "not
 * known", which a script can tell from "nothing was deployed" (set, empty).
 */
export function commandEnv(ctx: CommandDriverContext, version: string | undefined, run?: RunContext): Record<string, string> {
  if (version === undefined) return {};
  return rewindEnv({
    version,
    sha: null,
    releaseDir: ctx.cwd,
    env: ctx.env,
    ...(run === undefined ? {} : { previousVersion: run.previousVersion, runId: run.runId, user: run.user }),
  });
}
