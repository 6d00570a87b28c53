import type { Command } from 'commander';
import { deploy, type DeployResult } from '../../operations/deploy.js';
import { watchConfigOf, watchRelease, type WatchResult } from '../../operations/watch/watchRelease.js';
import { globalsOf, withEnvironment } from '../context.js';
import { durationFlag } from '../durationFlag.js';
import { out, printJson, type CliIO } from '../io.js';
import { OTP_OPTION } from '../oneTimePassword.js';
import { deployExitCode, deployJson, deploySummary, showDeploy } from '../views/deployView.js';
import { watchExitCode, watchJson, watchSummary } from '../views/watchView.js';

interface DeployOptions {
  autoRollback: boolean;
  reason?: string;
  otp?: string;
  /** true: for watch.for; a string: for that long. */
  watch?: boolean | string;
  autoApprove?: boolean;
}

export function registerDeploy(program: Command, io: CliIO): void {
  program
    .command('deploy')
    .description('make a release, switch to it, reload, verify; roll back by itself when verification fails')
    .argument('<version>', 'the version to deploy (a git ref, or the name used in the source path)')
    .option('--no-auto-rollback', 'keep the failed release current instead of going back')
    .option('--reason <text>', 'why, for the history')
    .option('--watch [duration]', 'once verified, watch it on the watch: tiers (for watch.for, or this long); tier 1 rolls back')
    .option('--auto-approve', 'with --watch: approve its automatic rollback if the plan needs approval (recorded in the audit log)')
    .option(...OTP_OPTION)
    .action(async (version: string, options: DeployOptions, command: Command) => {
      const globals = globalsOf(command);
      const forMs = typeof options.watch === 'string' ? durationFlag('--watch', options.watch, 'watchFor') : undefined;
      const { deployed, watched } = await withEnvironment(io, globals, async (deps) => {
        // --watch without a watch: section is refused before anything is deployed.
        if (options.watch !== undefined) watchConfigOf(deps);
        const result = await deploy(deps, { version, autoRollback: options.autoRollback, reason: options.reason });
        const watchedResult = options.watch !== undefined && result.ok
          ? await watchRelease(deps, { forMs, autoApprove: options.autoApprove, trigger: 'deploy' })
          : undefined;
        return { deployed: result, watched: watchedResult };
      }, { warmHosts: true, otp: options.otp });
      io.exitCode = watched ? showWatchedDeploy(io, globals, deployed, watched) : showDeploy(io, globals, deployed);
    });
}

/** A deploy and the watch after it: one JSON document, or the deploy's lines then the watch's. */
function showWatchedDeploy(io: CliIO, globals: { json: boolean; quiet: boolean }, deployed: DeployResult, watched: WatchResult): number {
  if (globals.json) printJson(io, { ...deployJson(deployed), watch: watchJson(watched) });
  else if (!globals.quiet) out(io, `${deploySummary(deployed)}\n${watchSummary(watched)}`);
  const code = deployExitCode(deployed);
  return code !== 0 ? code : watchExitCode(watched);
}
