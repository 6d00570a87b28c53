import { CommanderError } from 'commander';
import { asRewindError, ERRORS, EXIT } from '../core/errors.js';
import { cleanupFailures } from '../operations/firstError.js';
import { buildProgram } from './program.js';
import { err, printJson, type CliIO } from './io.js';

/** Run the command line; returns the exit code. Nothing here exits the process. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // Help and --version end here too, with code 0; usage errors were already printed by commander.
      return thrown.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const error = asRewindError(thrown);
    if (json) {
      const runId = typeof error.details.runId === 'string' ? error.details.runId : null;
      printJson(io, {
        ok: false,
        run_id: runId,
        error: {
          code: error.code, message: error.message, exit: error.exitCode, explanation: ERRORS[error.code].explanation,
          cleanup_failures: cleanupFailures(error),
        },
      });
    }
    err(io, `rewind: ${error.message}`);
    for (const line of cleanupFailures(error)) err(io, `rewind: then, cleaning up: ${line}`);
    if (verbose && thrown instanceof Error && thrown.stack) err(io, thrown.stack);
    return error.exitCode;
  }
}
