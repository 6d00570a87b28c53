import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import { auditEntries, exportAuditLog, verifyAuditLog } from '../../operations/auditLog.js';
import { globalsOf, withEnvironment } from '../context.js';
import { err, out, printJson, type CliIO } from '../io.js';

/** The audit log is one chain per ledger file, so --env only picks which config opens it. */
export function registerAudit(program: Command, io: CliIO): void {
  const audit = program.command('audit').description('check or export the hash-chained audit log');

  audit
    .command('verify')
    .description('check the audit log has not been altered (exit 1 if it has)')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const verdict = await withEnvironment(io, globals, (deps) => verifyAuditLog(deps.ledger));
      if (!verdict.ok) io.exitCode = EXIT.runFailed;
      if (globals.json) {
        printJson(io, { ok: verdict.ok, entries: verdict.entries, first_bad: verdict.firstBad });
        return;
      }
      const line = verdict.firstBad
        ? `audit log altered: entry ${verdict.firstBad.seq}: ${verdict.firstBad.reason}`
        : `audit log intact: ${verdict.entries} entries`;
      // An altered log is worth saying even under --quiet, where only errors are printed (on stderr).
      if (!globals.quiet) out(io, line);
      else if (!verdict.ok) err(io, line);
    });

  audit
    .command('export')
    .description('print the audit log as JSON lines, oldest first')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      if (globals.json) {
        // --json promises one document, which JSON lines are not.
        printJson(io, { entries: await withEnvironment(io, globals, (deps) => auditEntries(deps.ledger)) });
        return;
      }
      const lines = await withEnvironment(io, globals, (deps) => exportAuditLog(deps.ledger));
      io.stdout.write(lines);
    });
}
