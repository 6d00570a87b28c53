import type { Command } from 'commander';
import { parseAuditHead, type AuditHead } from '../../core/auditHead.js';
import { ERRORS, EXIT } from '../../core/errors.js';
import { auditEntries, exportAuditLog } from '../../operations/auditLog.js';
import { verifyAuditRecord, type AuditRecordVerdict } from '../../operations/verifyAudit.js';
import { globalsOf, withEnvironment } from '../context.js';
import { err, out, printJson, type CliIO } from '../io.js';
import { auditVerdictJson, auditVerdictLines } from '../views/auditVerdict.js';

/**
 * The audit log is one chain per ledger, so --env only picks which config opens it.
 * `audit verify` exits 0 when everything agrees, 1 when something was altered
 * (an entry, an anchor the chain no longer matches, a release row), and 2 when
 * nothing was found altered but keyed entries could not be checked (no key, or
 * another key), or on bad usage (a malformed --expect-head).
 */
export function registerAudit(program: Command, io: CliIO): void {
  const audit = program.command('audit').description('check or export the hash-chained audit log');

  audit
    .command('verify')
    .description('check the audit log, the heads recorded outside it and the releases table agree ' +
      '(exit 0: they do; 1: something was altered; 2: keyed entries it cannot check, or bad usage)')
    .option('--expect-head <SEQ:HASH>', 'a head kept elsewhere (a notification\'s audit_head): the log must hold entry SEQ with that hash')
    .action(async (options: { expectHead?: string }, command: Command) => {
      const globals = globalsOf(command);
      // Bad input is refused before anything is opened.
      const expectHead: AuditHead | undefined =
        options.expectHead === undefined ? undefined : parseAuditHead(options.expectHead, '--expect-head');
      const verdict = await withEnvironment(io, globals, (deps) => verifyAuditRecord(deps, { expectHead }));
      io.exitCode = exitCodeOf(verdict);
      if (globals.json) {
        printJson(io, auditVerdictJson(verdict));
        return;
      }
      const lines = auditVerdictLines(verdict);
      // An altered log is worth saying even under --quiet, where only errors are printed (on stderr).
      if (!globals.quiet) out(io, lines.join('\n'));
      else if (!verdict.ok) err(io, lines.join('\n'));
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

function exitCodeOf(verdict: AuditRecordVerdict): number {
  if (verdict.problems.length > 0) return EXIT.runFailed;
  return verdict.unchecked ? ERRORS.AUDIT_KEY.exit : EXIT.ok;
}
