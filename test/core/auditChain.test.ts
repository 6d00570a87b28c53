import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAnchors, walkChain } from '../../src/core/auditChain.js';
import { parseAuditHead } from '../../src/core/auditHead.js';
import { GENESIS_HASH, auditHash, auditKey, type AuditKey } from '../../src/core/auditHash.js';
import type { AuditEvent } from '../../src/core/run.js';

/** n entries, keyed with `key` from entry `keyedFrom` on. */
function chain(n: number, key?: AuditKey, keyedFrom = 1): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const keyed = key && seq >= keyedFrom ? key : undefined;
    const fields = { at: `2025-01-01T00:00:0${seq}.000Z`, actor: 'a', action: 'x', app: 'shop', env: 'production', runId: null, outcome: 'ok', detail: { seq },
      ...(keyed ? { keyId: keyed.id } : {}) };
    const hash = auditHash(prevHash, fields, keyed);
    events.push({ ...fields, seq, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

const key = auditKey('the-first-key-0123456789');
const other = auditKey('the-other-key-0123456789');

test('a key id names the key without revealing it; the value serialises without the secret', () => {
  assert.match(key.id, /^[0-9a-f]{16}$/);
  assert.notEqual(key.id, other.id);
  assert.equal(auditKey('the-first-key-0123456789').id, key.id);
  assert.deepEqual(JSON.parse(JSON.stringify(key)), { id: key.id });
  assert.throws(() => auditHash(GENESIS_HASH, chain(1, key)[0]!), /keyed with key/);
});

test('a keyed chain verifies with its key; without it or with another, its entries are unchecked, links still checked', () => {
  const events = chain(4, key, 3);
  assert.deepEqual(walkChain(events, key), { entries: 4, head: { seq: 4, hash: events[3]!.hash }, firstBad: null, unchecked: null });
  assert.deepEqual(walkChain(events).unchecked, { count: 2, first: 3, last: 4, keyIds: [key.id] });
  assert.equal(walkChain(events, other).unchecked?.count, 2);
  const relinked = events.map((e) => (e.seq === 4 ? { ...e, prevHash: GENESIS_HASH } : e));
  assert.match(walkChain(relinked).firstBad?.reason ?? '', /prev_hash does not match entry 3/);
});

test('with the key, an unkeyed entry after a keyed one is a break; an edit of a keyed entry is one', () => {
  const events = chain(4, key);
  const [a, b] = [events[0]!, events[1]!];
  const { keyId: _gone, ...plain } = b;
  const downgraded = [a, { ...plain, hash: auditHash(a.hash, plain) }];
  assert.deepEqual(walkChain(downgraded, key).firstBad?.seq, 2);
  assert.match(walkChain(downgraded, key).firstBad?.reason ?? '', /^not keyed, though the chain is keyed from entry 1/);
  const edited = events.map((e) => (e.seq === 3 ? { ...e, actor: 'mallory' } : e));
  assert.deepEqual(walkChain(edited, key).firstBad, { seq: 3, reason: 'hash does not match its contents (the entry was edited)' });
  // Unkeyed entries before the first keyed one are allowed: a chain becomes keyed when the key is configured.
  assert.equal(walkChain(chain(4, key, 3), key).firstBad, null);
});

test('anchors: each recorded head must be an entry with that hash; one line per head, naming every source', () => {
  const events = chain(5);
  const at = (seq: number, source: string, hash = events[seq - 1]!.hash) => ({ seq, hash, source });
  assert.deepEqual(checkAnchors(events, [at(5, 'a'), at(3, 'b'), { ...at(2, '--expect-head'), hash: events[1]!.hash.slice(0, 12) }]), []);
  assert.deepEqual(checkAnchors(events.slice(0, 3), [at(5, 'r/summary.json'), at(5, 'r/report.md')]), [
    { seq: 5, reason: 'missing: r/summary.json and r/report.md recorded it as the audit head, but the log ends at entry 3 (its newest entries were removed)' },
  ]);
  assert.match(checkAnchors([], [at(1, 'x')])[0]?.reason ?? '', /but the log is empty \(every entry was removed\)$/);
  assert.match(checkAnchors(events.filter((e) => e.seq !== 2), [at(2, 'x')])[0]?.reason ?? '', /the log has no entry 2 \(it was removed\)$/);
  assert.deepEqual(checkAnchors(events, [at(4, 'x', 'f'.repeat(64)), at(4, 'y', 'f'.repeat(64)), at(4, 'z', 'f'.repeat(64))]), [
    { seq: 4, reason: 'its hash is not the one x, y and 1 more recorded (ffffffffffff…): the log was rewritten at or before this entry' },
  ]);
});

test('parseAuditHead reads SEQ:HASH (a 12-digit prefix at least) and refuses anything else with one line', () => {
  const hash = 'A'.repeat(64);
  assert.deepEqual(parseAuditHead(`17:${hash}`, '--expect-head'), { seq: 17, hash: hash.toLowerCase() });
  assert.deepEqual(parseAuditHead(' 3:abcdef012345 ', '--expect-head'), { seq: 3, hash: 'abcdef012345' });
  for (const bad of ['', '17', ':abc', '17:abcdef01234', `17:${hash}0`, `01:${hash}`, `1.5:${hash}`]) {
    assert.throws(() => parseAuditHead(bad, '--expect-head'), /is not an audit head: expected SEQ:HASH/, bad);
  }
});
