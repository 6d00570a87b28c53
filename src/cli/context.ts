import type { Command } from 'commander';
import { withCleanup } from '../operations/firstError.js';
import { openEnvironment, type OpenEnvironment } from '../wiring/openEnvironment.js';
import { err, type CliIO, type GlobalOptions } from './io.js';
import { oneTimePasswordSource } from './oneTimePassword.js';
import { progressView } from './views/progress.js';
import { withTimeline } from './views/timeline.js';

export function globalsOf(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals<Partial<GlobalOptions>>();
  return {
    config: opts.config, env: opts.env, json: opts.json === true, quiet: opts.quiet === true, verbose: opts.verbose === true,
    newLedger: opts.newLedger === true,
  };
}

/** Open the selected environment for one command and always close it again. */
export async function withEnvironment<T>(
  io: CliIO,
  globals: GlobalOptions,
  use: (deps: OpenEnvironment) => Promise<T>,
  options: { warmHosts?: boolean; acceptLostLedger?: boolean; otp?: string } = {},
): Promise<T> {
  const progress = withTimeline(io, progressView(io, globals));
  progress({ type: 'phase', what: 'command parsed' });
  const deps = await openEnvironment({
    cwd: io.cwd,
    configFile: globals.config,
    envName: globals.env,
    events: progress,
    phases: (what) => progress({ type: 'phase', what }),
    processEnv: io.env,
    warmHosts: options.warmHosts,
    newLedger: globals.newLedger,
    acceptLostLedger: options.acceptLostLedger,
    oneTimePassword: oneTimePasswordSource(io, options.otp, progress.whilePrompting),
  });
  // Closing (the ledger, SSH connections) can fail too, but never instead of what the command itself hit.
  return withCleanup(() => use(deps), async () => {
    progress.close();
    await deps.close();
  }, 'closing the environment failed', (line) => err(io, `rewind: warning: ${line}`));
}
