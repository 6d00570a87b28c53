import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { AuditEvent } from '../../src/core/run.js';
import { GENESIS_HASH, auditHash, canonicalJson, findChainBreak } from '../../src/core/auditHash.js';

const base = { at: '2025-01-01T00:00:00.000Z', actor: 'alice', action: 'rollback.applied', app: 'shop', env: 'production', runId: 'run1', outcome: 'ok', detail: { b: 2, a: 1 } };

test('canonicalJson sorts keys at every depth and drops undefined like JSON does', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } }), '{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
  assert.equal(canonicalJson(null), 'null');
  assert.equal(canonicalJson('x'), '"x"');
});

test('auditHash is sha256 over prevHash then the canonical entry', () => {
  const expected = createHash('sha256')
    .update(GENESIS_HASH + '{"action":"rollback.applied","actor":"alice","app":"shop","at":"2025-01-01T00:00:00.000Z","detail":{"a":1,"b":2},"env":"production","outcome":"ok","runId":"run1"}')
    .digest('hex');
  assert.equal(auditHash(GENESIS_HASH, base), expected);
  assert.notEqual(auditHash('1'.repeat(64), base), expected);
});

function chain(count: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const fields = { ...base, detail: { seq } };
    const hash = auditHash(prevHash, fields);
    events.push({ ...fields, seq, prevHash, hash });
    prevHash = hash;
  }
  return events;
}

test('findChainBreak accepts a good chain in any order and finds each kind of break', () => {
  const good = chain(4);
  assert.equal(findChainBreak(good), undefined);
  assert.equal(findChainBreak([...good].reverse()), undefined);
  assert.equal(findChainBreak([]), undefined);

  const edited = good.map((e) => (e.seq === 3 ? { ...e, actor: 'mallory' } : e));
  assert.deepEqual(findChainBreak(edited), { seq: 3, reason: 'hash does not match the entry' });

  const removed = good.filter((e) => e.seq !== 2);
  assert.deepEqual(findChainBreak(removed), { seq: 3, reason: 'expected seq 2, found 3' });

  const relinked = good.map((e) => (e.seq === 2 ? { ...e, prevHash: GENESIS_HASH } : e));
  assert.deepEqual(findChainBreak(relinked), { seq: 2, reason: 'prevHash does not match the previous entry' });
});
