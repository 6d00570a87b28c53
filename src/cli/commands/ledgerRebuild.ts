import type { Command } from 'commander';
import { rebuildLedger, type RebuildResult } from '../../operations/lostLedger/rebuildLedger.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson } from '../views/json.js';

/** `rewind ledger rebuild`: after a lost ledger, the releases again, from what the targets and reports hold. */
export function registerLedgerRebuild(ledger: Command, io: CliIO): void {
  ledger
    .command('rebuild')
    .description("re-create a lost ledger's releases from the releases rewind made on the targets and the reports, marked rebuilt")
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const { result, label } = await withEnvironment(
        io,
        globals,
        async (deps) => ({ result: await rebuildLedger(deps, deps.ledgerFile), label: deps.ledgerFile }),
        { acceptLostLedger: true, warmHosts: true },
      );
      if (globals.json) printJson(io, rebuildJson(result, label));
      else if (!globals.quiet) out(io, rebuildText(result, label));
    });
}

function rebuildText(result: RebuildResult, label: string): string {
  const { releases } = result;
  const width = Math.max(...releases.map((r) => r.release.version.length));
  const statusWidth = Math.max(...releases.map((r) => r.release.status.length));
  const runs = result.record.runs.length;
  return [
    `rebuilt ${releases.length} release${releases.length === 1 ? '' : 's'} in ${label} from what the targets hold` +
      `${runs > 0 ? ` and ${runs} run${runs === 1 ? '' : 's'} in ${result.record.reportsDir}` : ''}, newest first:`,
    ...[...releases].reverse().map((r) => `  ${r.release.version.padEnd(width)}  ${r.release.status.padEnd(statusWidth)}  ${r.basis}`),
    ...(result.onlyInReports.length > 0
      ? [`not re-created (named in the reports, held by no target): ${result.onlyInReports.join(', ')}`]
      : []),
    'runs and the migrations each release applied are not rebuilt; `rewind status` shows what is live and the last known good',
  ].join('\n');
}

function rebuildJson(result: RebuildResult, label: string): Record<string, unknown> {
  return {
    ok: true,
    ledger: label,
    live: result.live,
    releases: [...result.releases].reverse().map((r) => ({ ...releaseJson(r.release), basis: r.basis })),
    only_in_reports: result.onlyInReports,
    reports: { dir: result.record.reportsDir, runs: result.record.runs.length },
  };
}
