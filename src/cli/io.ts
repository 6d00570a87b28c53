import type { Writable } from 'node:stream';
import { terminalText } from '../core/terminalText.js';

/** Where a command's output goes, and the exit code it leaves for the entry point. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  /** Is there a human at a terminal to ask? */
  interactive: boolean;
  /** Colours and spinners are for terminals only. */
  stderrIsTTY: boolean;
  exitCode: number;
}

export interface GlobalOptions {
  config?: string;
  env?: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** --new-ledger: an empty ledger is wanted (see keepLedgerWhole). */
  newLedger?: boolean;
}

/**
 * Every view prints through `out` and `err`, and both strip escape sequences
 * and control characters: a version, a reason, a name or a tool's output
 * from the ledger must not act on the terminal it is shown on.
 */
export function out(io: CliIO, text: string): void {
  io.stdout.write(line(text));
}

export function err(io: CliIO, text: string): void {
  io.stderr.write(line(text));
}

function line(text: string): string {
  const safe = terminalText(text);
  return safe.endsWith('\n') ? safe : `${safe}\n`;
}

/** The one JSON document a --json command prints on stdout. */
export function printJson(io: CliIO, document: unknown): void {
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
