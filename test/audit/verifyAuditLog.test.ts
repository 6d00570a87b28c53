import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent, NewAuditEvent } from '../../src/core/run.js';
import { GENESIS_HASH, auditHash } from '../../src/core/auditHash.js';
import { exportAuditLog, verifyAuditLog } from '../../src/operations/auditLog.js';

/** A well-formed chain of n entries, built the way the ledger builds it. */
function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const fields: NewAuditEvent = { at: `2025-01-0${seq}T00:00:00.000Z`, actor: 'a@example.com', action: 'release.recorded', app: 'shop', env: seq % 2 ? 'production' : 'staging', runId: null, outcome: 'verified', detail: { n: seq } };
    const hash = auditHash(prevHash, fields);
    events.push({ ...fields, seq, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

/** Lists newest first, like the real ledger. */
const ledgerOf = (events: AuditEvent[]) => ({ listAudit: async () => [...events].reverse() });

test('an empty log and an intact log across environments verify', async () => {
  assert.deepEqual(await verifyAuditLog(ledgerOf([])), { ok: true, entries: 0, firstBad: null });
  assert.deepEqual(await verifyAuditLog(ledgerOf(chain(5))), { ok: true, entries: 5, firstBad: null });
});

test('each kind of tampering names the first bad entry', async () => {
  const edited = chain(4);
  edited[2] = { ...edited[2]!, outcome: 'failed' };
  assert.equal((await verifyAuditLog(ledgerOf(edited))).firstBad?.seq, 3);

  const gap = chain(4).filter((e) => e.seq !== 3);
  assert.match((await verifyAuditLog(ledgerOf(gap))).firstBad?.reason ?? '', /missing.*entry 2 to entry 4/);

  const swapped = chain(4).map((e) => (e.seq === 2 ? { ...e, seq: 3 } : e.seq === 3 ? { ...e, seq: 2 } : e));
  const verdict = await verifyAuditLog(ledgerOf(swapped));
  assert.equal(verdict.ok, false);
  assert.equal(verdict.entries, 4);
  assert.equal(verdict.firstBad?.seq, 2);

  const rehashedFirst = chain(3);
  rehashedFirst[0] = { ...rehashedFirst[0]!, prevHash: 'f'.repeat(64) };
  assert.match((await verifyAuditLog(ledgerOf(rehashedFirst))).firstBad?.reason ?? '', /genesis/);
});

test('export is oldest first, one line each, empty for an empty log', async () => {
  assert.equal(await exportAuditLog(ledgerOf([])), '');
  const lines = (await exportAuditLog(ledgerOf(chain(3)))).split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((l) => JSON.parse(l).seq), [1, 2, 3]);
});
