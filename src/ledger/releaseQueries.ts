import type { Kysely } from 'kysely';
import { RewindError } from '../core/errors.js';
import type { ReleaseQuery } from '../core/ports.js';
import type { Release, ReleasePatch } from '../core/release.js';
import { releasePatchToRow, releaseToRow, rowToRelease } from './rows.js';
import type { Database } from './tables.js';

/**
 * Release queries over any kysely dialect. Functions that write expect to be
 * called inside the store's write transaction (they read then write).
 */

export async function nextSeq(trx: Kysely<Database>, table: 'releases' | 'runs'): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.max('seq').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

export async function insertRelease(trx: Kysely<Database>, release: Release): Promise<void> {
  const seq = await nextSeq(trx, 'releases');
  await trx.insertInto('releases').values(releaseToRow(release, seq)).execute();
}

export async function updateRelease(trx: Kysely<Database>, id: string, patch: ReleasePatch): Promise<void> {
  const row = releasePatchToRow(patch);
  if (Object.keys(row).length === 0) {
    await requireRelease(trx, id);
    return;
  }
  const result = await trx.updateTable('releases').set(row).where('id', '=', id).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw releaseNotFound(id);
}

export async function getRelease(db: Kysely<Database>, id: string): Promise<Release | undefined> {
  const row = await db.selectFrom('releases').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToRelease(row) : undefined;
}

export async function listReleases(db: Kysely<Database>, query: ReleaseQuery): Promise<Release[]> {
  if (query.ids !== undefined) return releasesByIds(db, query, query.ids);
  const rows = await byEachStatus(query.statuses, query.limit, (status) => {
    let select = db
      .selectFrom('releases')
      .selectAll()
      .where('app', '=', query.app)
      .where('env', '=', query.env)
      .orderBy('seq', 'desc');
    if (query.before !== undefined) select = select.where('seq', '<', seqOf(db, 'releases', query, query.before));
    if (query.after !== undefined) select = select.where('seq', '>', seqOf(db, 'releases', query, query.after));
    if (query.version !== undefined) select = select.where('version', '=', query.version);
    if (status !== undefined) select = select.where('status', '=', status);
    if (query.limit !== undefined) select = select.limit(checkLimit(query.limit));
    return select.execute();
  });
  return rows.map(rowToRelease);
}

/**
 * By primary key only, then scoped and ordered here: with the app and environment in the statement,
 * SQLite would rather walk the environment's (app, env, seq) index than look the ids up. Every
 * other filter is applied here too.
 */
async function releasesByIds(db: Kysely<Database>, query: ReleaseQuery, ids: readonly string[]): Promise<Release[]> {
  const unique = [...new Set(ids)];
  const rows = unique.length === 0 ? [] : await db.selectFrom('releases').selectAll().where('id', 'in', unique).execute();
  const bound = async (id: string | undefined) =>
    (id === undefined ? undefined : ((await seqOf(db, 'releases', query, id).executeTakeFirst())?.seq ?? null));
  const [before, after] = await Promise.all([bound(query.before), bound(query.after)]);
  const kept = rows.filter((row) =>
    row.app === query.app && row.env === query.env &&
    (before === undefined || (before !== null && row.seq < before)) && (after === undefined || (after !== null && row.seq > after)) &&
    (query.version === undefined || row.version === query.version) &&
    (query.statuses === undefined || (query.statuses as readonly string[]).includes(row.status)));
  return newestFirst(kept, query.limit === undefined ? undefined : checkLimit(query.limit)).map(rowToRelease);
}

/**
 * One statement per status, merged newest first: SQLite uses the (app, env, status, seq) index
 * for one status, but for a list of them it walks the whole environment in seq order instead.
 */
export async function byEachStatus<Row extends { seq: number }, S extends string>(
  statuses: readonly S[] | undefined,
  limit: number | undefined,
  select: (status: S | undefined) => Promise<Row[]>,
): Promise<Row[]> {
  if (statuses === undefined) return select(undefined);
  const each = await Promise.all([...new Set(statuses)].map((status) => select(status)));
  return newestFirst(each.flat(), limit);
}

/** Rows of several statements as one list: newest first, each once, at most `limit`. */
export function newestFirst<Row extends { seq: number }>(rows: readonly Row[], limit?: number): Row[] {
  const unique = [...new Map(rows.map((row) => [row.seq, row])).values()].sort((a, b) => b.seq - a.seq);
  return limit === undefined ? unique : unique.slice(0, limit);
}

/**
 * Where a row of this app and environment sits in the insert order, for a cursor: a subquery, so
 * that a page is one indexed statement; an id the environment lacks gives null, and no rows.
 */
export function seqOf(db: Kysely<Database>, table: 'releases' | 'runs', scope: { app: string; env: string }, id: string) {
  return db.selectFrom(table).select('seq').where('id', '=', id).where('app', '=', scope.app).where('env', '=', scope.env);
}

/** See Ledger.fillReleases; `releases` must all be of `app` and `env`. */
export async function fillReleases(trx: Kysely<Database>, app: string, env: string, releases: readonly Release[]): Promise<boolean> {
  const stray = releases.find((r) => r.app !== app || r.env !== env);
  if (stray) throw new RewindError('INTERNAL', `fillReleases(${app}, ${env}) was handed release ${stray.id} of ${stray.app} ${stray.env}`);
  const present = await trx.selectFrom('releases').select('id').where('app', '=', app).where('env', '=', env).limit(1).execute();
  if (present.length > 0) return false;
  const first = await nextSeq(trx, 'releases');
  for (const [i, release] of releases.entries()) await trx.insertInto('releases').values(releaseToRow(release, first + i)).execute();
  return true;
}

/** Every release of every app and environment, newest first. */
export async function listAllReleases(db: Kysely<Database>): Promise<Release[]> {
  return (await db.selectFrom('releases').selectAll().orderBy('seq', 'desc').execute()).map(rowToRelease);
}

/** Everything else that was live or verified in the same app and environment is superseded. */
export async function markLive(trx: Kysely<Database>, id: string, status: 'live' | 'verified', activatedAt?: string): Promise<void> {
  const target = await requireRelease(trx, id);
  await trx
    .updateTable('releases')
    .set({ status: 'superseded' })
    .where('app', '=', target.app)
    .where('env', '=', target.env)
    .where('id', '!=', id)
    .where('status', 'in', ['live', 'verified'])
    .execute();
  await trx
    .updateTable('releases')
    .set(activatedAt === undefined ? { status } : { status, activated_at: activatedAt })
    .where('id', '=', id)
    .execute();
}

async function requireRelease(db: Kysely<Database>, id: string): Promise<{ app: string; env: string }> {
  const row = await db.selectFrom('releases').select(['app', 'env']).where('id', '=', id).executeTakeFirst();
  if (!row) throw releaseNotFound(id);
  return row;
}

function releaseNotFound(id: string): RewindError {
  return new RewindError('RELEASE_NOT_FOUND', `no release with id ${id} in the ledger`, { releaseId: id });
}

/** A limit reaches SQL as a bound parameter, but a negative or fractional one means a caller bug. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RewindError('INTERNAL', `ledger query limit must be a non-negative integer, got ${limit}`);
  }
  return limit;
}
