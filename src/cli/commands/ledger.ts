import type { Command } from 'commander';
import { copyLedger, describeCounts } from '../../wiring/copyLedger.js';
import { globalsOf } from '../context.js';
import { err, out, printJson, type CliIO } from '../io.js';
import { registerLedgerRebuild } from './ledgerRebuild.js';

/** Commands about the ledger itself, rather than one environment's releases. */
export function registerLedger(program: Command, io: CliIO): void {
  const ledger = program.command('ledger').description('manage the ledger itself (where releases, runs and the audit log live)');

  ledger
    .command('copy')
    .description('copy a SQLite ledger\'s whole history into an empty PostgreSQL ledger, so a team can share it')
    .option('--from <file>', 'the SQLite ledger to copy (default: the one under state.dir)')
    .option('--to <url>', 'the PostgreSQL ledger, postgres://user@host:5432/db (default: REWIND_DATABASE_URL, else state.url)')
    .action(async (options: { from?: string; to?: string }, command: Command) => {
      const globals = globalsOf(command);
      const result = await copyLedger({ cwd: io.cwd, configFile: globals.config, from: options.from, to: options.to, processEnv: io.env });
      if (globals.json) {
        printJson(io, {
          ok: true,
          from: result.from,
          to: result.to,
          copied: result.copied,
          audit_intact: result.auditBreak === undefined,
          audit_first_bad: result.auditBreak ?? null,
        });
        return;
      }
      // A source chain that was already broken is copied as it is; say so, even under --quiet.
      if (result.auditBreak) {
        err(
          io,
          `warning: the audit log of ${result.from} was already altered at entry ${result.auditBreak.seq} ` +
            `(${result.auditBreak.reason}); copied as it is`,
        );
      }
      if (globals.quiet) return;
      out(io, `copied ${describeCounts(result.copied)} from ${result.from} to ${result.to}`);
      out(
        io,
        'next: set state.backend: postgres and REWIND_DATABASE_URL (or state.url) wherever rewind runs; ' +
          '`rewind audit verify` checks the copy',
      );
    });

  registerLedgerRebuild(ledger, io);
}
