import { environmentNames } from '../config/environments.js';
import { loadConfig } from '../config/load.js';
import type { CliIO, GlobalOptions } from './io.js';

/**
 * The environment to open for a command that reads the ledger, which holds
 * every environment of the config: --env when given, else the first one
 * declared (undefined when there is none: opening then says so). Read-only
 * commands need not refuse to guess, as acting ones must.
 */
export async function openingEnv(io: CliIO, globals: GlobalOptions): Promise<string | undefined> {
  if (globals.env !== undefined) return globals.env;
  return environmentNames((await loadConfig({ cwd: io.cwd, file: globals.config })).config)[0];
}
