import type { Command } from 'commander';
import { RewindError } from '../../core/errors.js';
import { dismissWatch } from '../../operations/watch/dismissWatch.js';
import { watchRelease } from '../../operations/watch/watchRelease.js';
import { globalsOf, withEnvironment } from '../context.js';
import { durationFlag } from '../durationFlag.js';
import { out, printJson, type CliIO } from '../io.js';
import { runJson } from '../views/json.js';
import { showWatch } from '../views/watchView.js';

interface WatchOptions {
  for?: string;
  autoApprove?: boolean;
  dismiss?: string;
  reason?: string;
}

export function registerWatch(program: Command, io: CliIO): void {
  program
    .command('watch')
    .description("watch the live release on the environment's watch: tiers; tier 1 rolls back by itself, tier 2 pages and waits")
    .option('--for <duration>', 'how long to watch (default: watch.for)')
    .option('--auto-approve', 'approve the automatic rollback if its plan needs approval (recorded in the audit log)')
    .option('--dismiss <run>', 'settle a watch waiting for a decision (tier 2): the release stays; needs --reason')
    .option('--reason <text>', 'with --dismiss: why, for the audit log')
    .action(async (options: WatchOptions, command: Command) => {
      const globals = globalsOf(command);
      if (options.dismiss !== undefined) {
        if (options.for !== undefined) throw new RewindError('USAGE', '--dismiss settles a watch: leave out --for');
        const run = await withEnvironment(io, globals, (deps) => dismissWatch(deps, options.dismiss as string, options.reason));
        if (globals.json) printJson(io, { run_id: run.id, dismissed: true, run: runJson(run) });
        else if (!globals.quiet) out(io, `watch ${run.id} dismissed: ${run.error ?? ''}`);
        return;
      }
      if (options.reason !== undefined) throw new RewindError('USAGE', '--reason goes with --dismiss RUN');
      const forMs = options.for === undefined ? undefined : durationFlag('--for', options.for, 'watchFor');
      const result = await withEnvironment(io, globals, (deps) => watchRelease(deps, { forMs, autoApprove: options.autoApprove }), {
        warmHosts: true,
      });
      io.exitCode = showWatch(io, globals, result);
    });
}
