/**
 * Is a version ready to switch to? The user's present command answers with
 * its exit code. Without one, rewind cannot tell, and every version counts
 * as ready: prepare then always runs the prepare commands (which must
 * therefore be safe to run again), and a plan never calls a target missing.
 */
import type { CommandDriverContext } from './context.js';
import { runCommand } from './run.js';

export interface Readiness {
  ready: boolean;
  /** The present command as it ran (redacted), for messages; null when there is none. */
  asked: string[] | null;
}

export async function readiness(ctx: CommandDriverContext, version: string): Promise<Readiness> {
  const present = ctx.config.present;
  if (present === undefined) return { ready: true, asked: null };
  // A present command that cannot even start is a configuration problem, said as such (it throws).
  const result = await runCommand(ctx, 'present', present, { version }, 'STEP_FAILED');
  return { ready: result.code === 0, asked: result.argv };
}
