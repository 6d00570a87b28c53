import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { resolvePaths } from '../config/paths.js';
import { RewindError } from '../core/errors.js';
import { copySqliteToPostgres, type LedgerCopy } from '../ledger/copyLedger.js';
import { isPostgresUrl, postgresLabel } from '../ledger/postgresUrl.js';
import { SQLITE_LEDGER_FILE } from './openLedger.js';

/** How a copy's counts read ("3 releases, 5 runs, 12 steps, 20 audit events"), for the command that reports it. */
export { describeCounts } from '../ledger/copyLedger.js';

export interface CopyLedgerRequest {
  cwd: string;
  /** --config; found upward from cwd otherwise. Read only when --from or --to is left out. */
  configFile?: string;
  /** A SQLite ledger file; default: the one under the config's state.dir. */
  from?: string;
  /** A postgres:// URL; default: REWIND_DATABASE_URL, else the config's state.url. */
  to?: string;
  processEnv: NodeJS.ProcessEnv;
}

export interface CopyLedgerResult extends LedgerCopy {
  from: string;
  /** The target URL without its password. */
  to: string;
}

export type CopyStores = (file: string, url: string) => Promise<LedgerCopy>;

/** `rewind ledger copy`: one person's SQLite history becomes the team's PostgreSQL ledger. */
export async function copyLedger(request: CopyLedgerRequest, copy: CopyStores = copySqliteToPostgres): Promise<CopyLedgerResult> {
  let loaded: LoadedConfig | undefined;
  const config = async () => (loaded ??= await loadConfig({ cwd: request.cwd, file: request.configFile }));
  const from = request.from !== undefined
    ? resolve(request.cwd, request.from)
    : join(resolvePaths(await config()).stateDir, SQLITE_LEDGER_FILE);
  const url = request.to ?? (request.processEnv.REWIND_DATABASE_URL?.trim() || (await configuredUrl(config)));
  if (!url) {
    throw new RewindError(
      'USAGE',
      'ledger copy needs --to postgres://user@host:5432/db (or REWIND_DATABASE_URL, or state.url in rewind.yaml)',
    );
  }
  if (!isPostgresUrl(url)) {
    throw new RewindError('USAGE', `ledger copy: --to must be a postgres:// or postgresql:// URL, got ${postgresLabel(url)}`);
  }
  const result = await copy(from, url);
  return { ...result, from, to: postgresLabel(url) };
}

/** state.url, when there is a config to read it from: without one, the missing --to is the thing to report. */
async function configuredUrl(config: () => Promise<LoadedConfig>): Promise<string | undefined> {
  try {
    return (await config()).config.state.url;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'CONFIG_NOT_FOUND') return undefined;
    throw error;
  }
}
