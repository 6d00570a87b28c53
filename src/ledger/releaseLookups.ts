import { sql, type Kysely } from 'kysely';
import type { CandidateQuery } from '../core/ports.js';
import type { Release } from '../core/release.js';
import { checkLimit, newestFirst, seqOf } from './releaseQueries.js';
import { rowToRelease } from './rows.js';
import type { Database } from './tables.js';

/**
 * The questions planning and `status` ask of a ledger of years, each one indexed statement (see
 * migration 008) instead of a scan of every release: what is live, where a rollback could go,
 * which release an app's reported build is. The rules stay in core; these only fetch what the
 * rules look at.
 */

/**
 * Never bad (core/release's isBad) and verified, written as migration 008's partial index says it,
 * with the statuses as literals: SQLite uses a partial index only for a query that repeats its terms.
 */
export const NEVER_BAD_AND_VERIFIED =
  sql<boolean>`verified_at is not null and marked_bad_at is null and status not in ('failed', 'rolled_back')`;

/** The first seven characters of a sha, lower case: migration 008 indexes it so an abbreviated sha finds its releases. */
export const SHA_PREFIX = sql<string>`lower(substr(trim(sha), 1, 7))`;

export async function liveRelease(
  db: Kysely<Database>,
  query: { app: string; env: string; version?: string },
): Promise<Release | undefined> {
  const scoped = db.selectFrom('releases').selectAll().where('app', '=', query.app).where('env', '=', query.env);
  if (query.version !== undefined) {
    // The few releases of one version, by the version index; the latest activation is picked here.
    const rows = await scoped.where('version', '=', query.version).where('activated_at', 'is not', null).execute();
    const latest = rows.reduce<(typeof rows)[number] | undefined>((best, row) =>
      best === undefined || (row.activated_at as string) > (best.activated_at as string) ||
      (row.activated_at === best.activated_at && row.seq > best.seq) ? row : best, undefined);
    return latest ? rowToRelease(latest) : undefined;
  }
  const row = await scoped.where('activated_at', 'is not', null).orderBy('activated_at', 'desc').orderBy('seq', 'desc').limit(1)
    .executeTakeFirst();
  return row ? rowToRelease(row) : undefined;
}

export async function rollbackCandidates(db: Kysely<Database>, query: CandidateQuery): Promise<Release[]> {
  let select = db
    .selectFrom('releases')
    .selectAll()
    .where('app', '=', query.app)
    .where('env', '=', query.env)
    .where(NEVER_BAD_AND_VERIFIED);
  if (query.before !== undefined) select = select.where('seq', '<', seqOf(db, 'releases', query, query.before));
  if (query.exceptVersion !== undefined) select = select.where('version', '!=', query.exceptVersion);
  const rows = await select.orderBy('seq', 'desc').limit(checkLimit(query.limit)).execute();
  return rows.map(rowToRelease);
}

/**
 * Two indexed statements, merged newest first: the releases of that version, and those whose sha
 * starts as the build does (an abbreviated sha is a prefix of the full one, or the other way round).
 */
export async function releasesOfBuild(
  db: Kysely<Database>,
  query: { app: string; env: string; build: string; limit: number },
): Promise<Release[]> {
  const limit = checkLimit(query.limit);
  const scoped = () => db.selectFrom('releases').selectAll().where('app', '=', query.app).where('env', '=', query.env);
  const prefix = query.build.trim().slice(0, 7).toLowerCase();
  const [byVersion, bySha] = await Promise.all([
    scoped().where('version', '=', query.build).orderBy('seq', 'desc').limit(limit).execute(),
    prefix === '' ? [] : scoped().where(SHA_PREFIX, '=', prefix).orderBy('seq', 'desc').limit(limit).execute(),
  ]);
  return newestFirst([...byVersion, ...bySha], limit).map(rowToRelease);
}
