/**
 * The configured install and build commands, run in order in one directory.
 * Placeholders are substituted per argument; nothing passes through a shell.
 * A failure is returned rather than thrown, because each caller (preflight,
 * switch, restore) tells it differently.
 */
import { rewindEnv } from '../../core/rewindEnv.js';
import type { Exec } from '../../core/ports.js';
import { expandArgv, type TemplateVars } from '../../core/template.js';
import { failureOf, startFailure, type CommandFailure } from './failures.js';

export interface CommandsRun {
  exec: Exec;
  cwd: string;
  vars: TemplateVars;
  env: Record<string, string>;
  timeoutMs: number | undefined;
}

export async function runCommands(commands: readonly (readonly string[])[], run: CommandsRun): Promise<CommandFailure | null> {
  for (const command of commands) {
    const argv = expandArgv(command, run.vars);
    let result;
    try {
      result = await run.exec.run(argv, { cwd: run.cwd, env: run.env, timeoutMs: run.timeoutMs });
    } catch (error) {
      return startFailure(argv, error);
    }
    if (result.code !== 0) return failureOf(result);
  }
  return null;
}

/** What the commands of one version see in their environment. */
export function versionEnv(version: string, sha: string, dir: string): Record<string, string> {
  return rewindEnv({ version, sha, releaseDir: dir });
}
