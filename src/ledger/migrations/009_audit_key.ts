import type { Kysely, Migration } from 'kysely';
import { GENESIS_HASH, auditHash, hashedFields } from '../../core/auditHash.js';
import { RELEASE_STATE_ACTION, releaseState } from '../../core/releaseAudit.js';
import { rowToRelease } from '../rows.js';
import type { ReleasesTable } from '../tables.js';

/**
 * Two things the audit log needs to be whole:
 * - `audit.key_id`: the fingerprint of the HMAC key of a keyed entry
 *   (audit.key_env); null for the unkeyed entries every chain had so far.
 * - A `release.state` entry for every release already in the ledger (marked
 *   `baseline`), since from now on every release change is an entry and
 *   `audit verify` compares each release row with the state the chain last
 *   recorded for it. Releases are taken as they are at the upgrade: a change
 *   made to a row before it cannot be told apart from its history.
 *   These entries are unkeyed (a migration has no key); entries written later
 *   with a key follow them, which is allowed.
 */
export const auditKey: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('audit').addColumn('key_id', 'text').execute();
    const releases = await db.selectFrom('releases').selectAll().orderBy('seq').execute();
    if (releases.length === 0) return;
    const head = await db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let seq = Number(head?.seq ?? 0);
    let prevHash: string = head?.hash ?? GENESIS_HASH;
    const at = new Date().toISOString();
    for (const row of releases) {
      const release = rowToRelease(row as ReleasesTable);
      const event = hashedFields({
        at, actor: 'rewind', action: RELEASE_STATE_ACTION, app: release.app, env: release.env, runId: null, outcome: release.status,
        detail: { ...releaseState(release), previous_status: null, baseline: true },
      });
      const hash = auditHash(prevHash, event);
      seq += 1;
      await db.insertInto('audit').values({
        seq, at, actor: event.actor, action: event.action, app: event.app, env: event.env, run_id: null, outcome: event.outcome,
        detail: JSON.stringify(event.detail), prev_hash: prevHash, hash, key_id: null,
      }).execute();
      prevHash = hash;
    }
  },

  async down(db: Kysely<any>): Promise<void> {
    // The baseline entries stay: they are links of the chain now.
    await db.schema.alterTable('audit').dropColumn('key_id').execute();
  },
};
