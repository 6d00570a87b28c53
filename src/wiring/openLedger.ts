import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { RewindError } from '../core/errors.js';
import type { Files, Ledger } from '../core/ports.js';
import { openPostgresLedger } from '../ledger/postgres.js';
import { isPostgresUrl, postgresLabel, postgresSecrets } from '../ledger/postgresUrl.js';
import type { LedgerAudit } from '../ledger/releaseAudit.js';
import { openSqliteLedger, sqliteLedgerIsBlank } from '../ledger/sqlite.js';
import { keepLedgerWhole, type LedgerGuardIo } from '../operations/lostLedger/keepLedgerWhole.js';

/** Where an environment's ledger lives; `label` names it in messages (never with a password). */
export type LedgerLocation =
  | { backend: 'sqlite'; file: string; label: string }
  | { backend: 'postgres'; url: string; label: string };

export const SQLITE_LEDGER_FILE = 'ledger.sqlite';

/**
 * The one place that decides which store an environment uses: state.backend,
 * and for PostgreSQL the URL from REWIND_DATABASE_URL, else state.url (so a
 * password can stay out of rewind.yaml).
 */
export function ledgerLocation(loaded: LoadedConfig, stateDir: string, processEnv: NodeJS.ProcessEnv): LedgerLocation {
  const { state } = loaded.config;
  if (state.backend === 'sqlite') {
    const file = join(stateDir, SQLITE_LEDGER_FILE);
    return { backend: 'sqlite', file, label: file };
  }
  const fromEnv = processEnv.REWIND_DATABASE_URL?.trim();
  const url = fromEnv || state.url?.trim();
  if (!url) {
    throw new RewindError(
      'CONFIG_INVALID',
      `${loaded.file}: state.url is required when state.backend is postgres (or set REWIND_DATABASE_URL): ` +
        'expected postgres://user@host:5432/db',
      { key: 'state.url' },
    );
  }
  if (!isPostgresUrl(url)) {
    const where = fromEnv ? 'REWIND_DATABASE_URL' : `${loaded.file}: state.url`;
    throw new RewindError(
      'CONFIG_INVALID',
      `${where} must be a postgres:// or postgresql:// URL, got ${postgresLabel(url)}`,
      { key: fromEnv ? 'REWIND_DATABASE_URL' : 'state.url' },
    );
  }
  return { backend: 'postgres', url, label: postgresLabel(url) };
}

/** What the ledger's location must never reveal: the database password. */
export function ledgerSecrets(location: LedgerLocation): string[] {
  return location.backend === 'postgres' ? postgresSecrets(location.url) : [];
}

/** Open the store; a SQLite file is created only where the write guard allows. `audit` keys the chain and names the actor. */
export async function openLedger(location: LedgerLocation, files: Files, audit: LedgerAudit = {}): Promise<Ledger> {
  if (location.backend === 'postgres') return openPostgresLedger(location.url, { audit });
  await files.assertWritable(location.file);
  return openSqliteLedger(location.file, { audit });
}

/**
 * Open the store unless it was lost (see keepLedgerWhole); without a guard, as it is.
 * A blank SQLite file is not created until it is known that a new ledger is wanted.
 */
export async function openKeptLedger(
  location: LedgerLocation,
  files: Files,
  guard: LedgerGuardIo | undefined,
  audit: LedgerAudit = {},
): Promise<Ledger> {
  const open = () => openLedger(location, files, audit);
  if (!guard) return open();
  return keepLedgerWhole(guard, (await ledgerIsBlank(location)) ? undefined : await open(), open);
}

/**
 * Whether the store is known to hold nothing without opening it (which would
 * create it): a SQLite file that is missing or empty. A PostgreSQL ledger is
 * opened to find out (its schema is made then, holding no rows).
 */
export async function ledgerIsBlank(location: LedgerLocation): Promise<boolean> {
  return location.backend === 'sqlite' ? sqliteLedgerIsBlank(location.file) : false;
}
