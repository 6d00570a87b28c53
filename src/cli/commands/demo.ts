import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { runDemo, type DemoResult } from '../../wiring/demo/runDemo.js';
import { globalsOf } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { progressView } from '../views/progress.js';

export function registerDemo(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('build a throw-away sample app, deploy good and broken versions under PM2, roll back, show the report')
    .option('--dir <path>', 'make the demo directory in here (default: the OS temp dir)')
    .action(async (options: { dir?: string }, command: Command) => {
      const globals = globalsOf(command);
      const result = await runDemo({ parentDir: options.dir, events: progressView(io, globals), processEnv: io.env });
      if (globals.json) printJson(io, demoJson(result));
      else if (!globals.quiet) out(io, demoText(result));
      io.exitCode = result.ok ? EXIT.ok : EXIT.runFailed;
    });
}

function demoText(result: DemoResult): string {
  const { rollback, served, expected } = result;
  const verdict = result.ok
    ? `The service is healthy on ${served.version} (${served.sha?.slice(0, 7)}), the last known good release.`
    : `The demo did not end healthy: the service reports ${served.version ?? 'nothing'} (${served.sha ?? '-'}), ` +
      `expected ${expected.version} (${expected.sha ?? '-'}).`;
  return [
    '',
    verdict,
    `Rollback ${rollback.plan.from.version} -> ${rollback.plan.to.version} took ${(rollback.durationMs / 1000).toFixed(2)}s.`,
    '',
    `  demo directory: ${result.dir}`,
    `  configuration:  ${result.configFile}`,
    `  ledger:         ${result.ledgerFile}`,
    `  plan:           ${rollback.files.planMd}`,
    `  report:         ${rollback.files.reportMd}`,
    `  summary:        ${rollback.files.summaryJson}`,
    '',
    `Look around: npx rewind history --config ${result.configFile}`,
    'PM2 has been stopped; delete the demo directory when you are done.',
  ].join('\n');
}

function demoJson(result: DemoResult): Record<string, unknown> {
  return {
    ok: result.ok,
    run_id: result.rollback.run.id,
    dir: result.dir,
    config: result.configFile,
    ledger: result.ledgerFile,
    served: result.served,
    expected: result.expected,
    deploys: result.deploys.map((d) => ({ version: d.release.version, ok: d.ok, status: d.release.status, run_id: d.run.id })),
    rollback: {
      ok: result.rollback.ok,
      from_version: result.rollback.plan.from.version,
      to_version: result.rollback.plan.to.version,
      duration_ms: result.rollback.durationMs,
      report: result.rollback.files.reportMd,
      summary: result.rollback.files.summaryJson,
    },
  };
}
