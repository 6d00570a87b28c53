import type { Command } from 'commander';
import { environmentNames } from '../../config/environments.js';
import { DEFAULT_SINCE, parseSince } from '../../core/metrics/period.js';
import { metrics } from '../../operations/metrics.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { openingEnv } from '../openingEnv.js';
import { metricsJson, metricsLines } from '../views/metricsView.js';

/**
 * `rewind metrics`: read-only, so without --env it covers every environment of
 * the config (the team's view) rather than refusing to guess one; --env
 * narrows it to that one.
 */
export function registerMetrics(program: Command, io: CliIO): void {
  program
    .command('metrics')
    .description('deployment frequency, change failure rate, recovery time, rollbacks, SLA breaches and lead time, ' +
      'from the ledger (every environment unless --env)')
    .option('--since <period>', `how far back: a number and m, h, d or w (default ${DEFAULT_SINCE})`, DEFAULT_SINCE)
    .action(async (options: { since: string }, command: Command) => {
      const globals = globalsOf(command);
      // Bad input is refused before anything is opened.
      parseSince(options.since);
      const report = await withEnvironment(io, { ...globals, env: await openingEnv(io, globals) }, (deps) => {
        const names = globals.env === undefined ? environmentNames(deps.loaded.config) : [deps.envName];
        const slaOf = (name: string) => deps.loaded.config.environments[name]?.sla.rollback_seconds ?? null;
        const environments = names.map((name) => ({ name, slaSeconds: slaOf(name) }));
        return metrics(deps, { since: options.since, environments });
      });
      if (globals.json) printJson(io, metricsJson(report));
      else if (!globals.quiet) out(io, metricsLines(report).join('\n'));
    });
}
