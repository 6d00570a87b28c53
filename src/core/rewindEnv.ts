/**
 * The REWIND_* variables every command rewind starts for a release gets
 * (builds, installs, reloads, smoke commands, migration tools, the command
 * driver's steps): defined here once, so each of them sees the same names.
 */
export interface RewindEnvFacts {
  version: string;
  sha?: string | null;
  /** The release's directory, where the driver has one. */
  releaseDir?: string | null;
  /** What ran before this version became current: the version being left. */
  previousVersion?: string | null;
  env?: string;
  runId?: string | null;
  user?: string | null;
}

export function rewindEnv(facts: RewindEnvFacts): Record<string, string> {
  const vars: Record<string, string> = {
    REWIND_VERSION: facts.version,
    REWIND_SHA: facts.sha ?? '',
    REWIND_RELEASE_DIR: facts.releaseDir ?? '',
  };
  // Set only when known, so a command can tell "not known" from "empty".
  if (facts.previousVersion !== undefined) vars.REWIND_PREVIOUS_VERSION = facts.previousVersion ?? '';
  if (facts.env !== undefined) vars.REWIND_ENV = facts.env;
  if (facts.runId) vars.REWIND_RUN_ID = facts.runId;
  if (facts.user) vars.REWIND_USER = facts.user;
  return vars;
}
