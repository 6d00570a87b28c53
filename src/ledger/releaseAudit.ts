import { sql, type Kysely } from 'kysely';
import type { AuditKey } from '../core/auditHash.js';
import { RELEASE_STATE_ACTION, releaseState, stateDifferences, type AuditedState, type OutsideChange } from '../core/releaseAudit.js';
import type { Release } from '../core/release.js';
import { appendAudit } from './auditQueries.js';
import { newestFirst } from './releaseQueries.js';
import { rowToRelease } from './rows.js';
import type { Database } from './tables.js';

/** Who and when a ledger's own audit entries (release changes) are written as; the key of a keyed chain. */
export interface LedgerAudit {
  key?: AuditKey;
  /** The acting user of the process that opened the ledger; `rewind` when none was given. */
  actor?: string;
  now?: () => Date;
}

/**
 * Run a release write and, in the same transaction, append a `release.state`
 * entry for every release among `ids` whose state is no longer what the chain
 * last recorded for it. Done here rather than by each operation so that no
 * change of a release row (markLive's superseding included) can go unaudited.
 * A row found already changed behind rewind's back is recorded as such, so a
 * later write cannot make that change look audited.
 */
export async function auditedReleaseWrite<T>(
  trx: Kysely<Database>,
  audit: LedgerAudit,
  ids: readonly string[],
  work: () => Promise<T>,
): Promise<T> {
  const before = await readReleases(trx, ids);
  const result = await work();
  const after = await readReleases(trx, ids);
  for (const id of ids) {
    const release = after.get(id);
    if (!release) continue;
    const state = releaseState(release);
    const was = before.get(id);
    // A release that was not there before (an insert) has no audited state to find: ids are never reused.
    const audited = was ? await latestAuditedState(trx, release, id) : undefined;
    const outside = outsideChange(was, audited);
    if (!outside && audited && stateDifferences(state, audited.state).length === 0) continue;
    await appendAudit(trx, {
      at: (audit.now?.() ?? new Date()).toISOString(),
      actor: audit.actor ?? 'rewind',
      action: RELEASE_STATE_ACTION,
      app: release.app,
      env: release.env,
      runId: null,
      outcome: release.status,
      detail: { ...state, previous_status: audited?.state.status ?? null, ...(outside ? { outside_change: outside } : {}) },
    }, audit.key);
  }
  return result;
}

/** How the row read before this write differs from what the chain last recorded for it, if it does. */
function outsideChange(was: Release | undefined, audited: AuditedState | undefined): OutsideChange | undefined {
  if (!was) return undefined;
  const fields = stateDifferences(releaseState(was), audited?.state);
  return audited === undefined || fields.length > 0 ? { entry: audited?.seq ?? null, fields } : undefined;
}

/**
 * The releases markLive may change: every other live or verified one of its environment, oldest first,
 * then the one made live. One statement per status, as byEachStatus does: with both statuses in one
 * `in` and an order by seq, SQLite walks every release of the environment (15 ms at 50,000 of them, on
 * every deploy and rollback) instead of the (app, env, status, seq) index.
 */
export async function markLiveIds(trx: Kysely<Database>, id: string): Promise<string[]> {
  const target = await trx.selectFrom('releases').select(['app', 'env']).where('id', '=', id).executeTakeFirst();
  if (!target) return [id];
  const ofStatus = (status: 'live' | 'verified') => trx
    .selectFrom('releases')
    .select(['id', 'seq'])
    .where('app', '=', target.app)
    .where('env', '=', target.env)
    .where('status', '=', status)
    .where('id', '!=', id)
    .orderBy('seq')
    .execute();
  const others = newestFirst((await Promise.all([ofStatus('live'), ofStatus('verified')])).flat()).reverse();
  return [...others.map((row) => row.id), id];
}

async function readReleases(trx: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Release>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('releases').selectAll().where('id', 'in', [...ids]).execute();
  return new Map(rows.map((row) => [row.id, rowToRelease(row)]));
}

/**
 * The newest `release.state` entry of this release. The detail is JSON text
 * in both stores: matching its release_id with LIKE keeps the search in SQL
 * (on the app, env, seq index) however far back the entry is. The text
 * `"release_id":"<id>"` cannot occur inside another JSON string (its quotes
 * would be escaped there), so the newest match is the entry; it is confirmed
 * on the parsed detail all the same.
 */
async function latestAuditedState(
  trx: Kysely<Database>,
  where: Pick<Release, 'app' | 'env'>,
  id: string,
): Promise<AuditedState | undefined> {
  const pattern = `%${likeEscaped(JSON.stringify({ release_id: id }).slice(1, -1))}%`;
  const rows = await trx
    .selectFrom('audit')
    .select(['seq', 'detail'])
    .where('action', '=', RELEASE_STATE_ACTION)
    .where('app', '=', where.app)
    .where('env', '=', where.env)
    .where(sql<boolean>`detail like ${pattern} escape '!'`)
    .orderBy('seq', 'desc')
    .limit(1)
    .execute();
  const state = rows[0] ? parsed(rows[0].detail) : undefined;
  return state?.release_id === id ? { seq: Number(rows[0]!.seq), state } : undefined;
}

function likeEscaped(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/** An entry whose detail is not JSON (edited by hand) says nothing about any release. */
function parsed(detail: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(detail);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
