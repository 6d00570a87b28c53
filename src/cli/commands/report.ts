import { Option, type Command } from 'commander';
import { REPORT_FORMATS, rewriteRunReports, runReport, type ReportFormat } from '../../operations/runReports.js';
import type { OpenEnvironment } from '../../wiring/openEnvironment.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { openingEnv } from '../openingEnv.js';

export function registerReport(program: Command, io: CliIO): void {
  program
    .command('report')
    .description('print a run\'s report from the ledger (any kind of run), or --write its report files again')
    .argument('<run>', 'the run id (rewind history lists them)')
    .addOption(new Option('--format <format>', 'md or json (--json is the same as --format json)').choices(REPORT_FORMATS).default('md'))
    .option('--write', 'write the run\'s report files again from the ledger (a finished rollback or drill: report.md, summary.json, ' +
      'incident.md, the deploy-log entry and CSV rows not there yet; a deploy: its trend.csv row)')
    .action(async (runId: string, options: { format: ReportFormat; write?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      if (options.write) {
        const written = await inRunEnvironment(io, globals, runId, (deps) => rewriteRunReports(deps, runId));
        if (globals.json) printJson(io, { run_id: written.run.id, kind: written.run.kind, files: written.files });
        else if (!globals.quiet) {
          out(io, [`wrote the reports of ${written.run.kind} ${written.run.id}:`, ...written.files.map((f) => `  ${f}`)].join('\n'));
        }
        return;
      }
      const format: ReportFormat = globals.json ? 'json' : options.format;
      const report = await inRunEnvironment(io, globals, runId, (deps) => runReport(deps, runId, format));
      if (typeof report.document !== 'string') printJson(io, report.document);
      else if (!globals.quiet) io.stdout.write(report.document);
    });
}

/**
 * The run's own environment: its SLA, secrets and reports. Without --env, the environment that
 * holds the run is opened (after a first look with any of them); with --env, a run of another is refused.
 */
async function inRunEnvironment<T>(
  io: CliIO,
  globals: GlobalOptions,
  runId: string,
  use: (deps: OpenEnvironment) => Promise<T>,
): Promise<T> {
  type Found = { elsewhere: string } | { done: T };
  const first = await withEnvironment(io, { ...globals, env: await openingEnv(io, globals) }, async (deps): Promise<Found> => {
    const run = globals.env === undefined ? await deps.ledger.getRun(runId) : undefined;
    const elsewhere = run && run.app === deps.app && run.env !== deps.envName && Object.hasOwn(deps.loaded.config.environments, run.env);
    return elsewhere ? { elsewhere: run.env } : { done: await use(deps) };
  });
  return 'done' in first ? first.done : withEnvironment(io, { ...globals, env: first.elsewhere }, use);
}
