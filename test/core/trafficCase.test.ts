import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyState } from '../../src/core/traffic.js';
import { idleSlot, trafficRollbackCase, type TrafficFacts } from '../../src/core/trafficCase.js';

const proxy = (live: ProxyState['live']): ProxyState => ({
  live, source: 'upstream file /x', slots: { blue: { address: '127.0.0.1:3001', enabled: live === 'blue' }, green: { address: '127.0.0.1:3002', enabled: live === 'green' } },
});
const facts = (over: Partial<TrafficFacts> & { blue?: Partial<TrafficFacts['slots']['blue']> } = {}): TrafficFacts => ({
  proxy: proxy('green'),
  slots: {
    blue: { version: 'v1', healthy: true, idleSince: '2026-12-03T12:00:00.000Z', ...over.blue },
    green: { version: 'v2', healthy: true, idleSince: null },
  },
  keepWarmMs: 600_000,
  now: '2026-12-03T12:05:00.000Z',
  ...over,
});

test('inside the warm window, with the old slot running the target and healthy: switch back', () => {
  assert.deepEqual(trafficRollbackCase(facts(), 'v1'), {
    kind: 'switch_back', slot: 'blue', failed: 'green', why: 'the blue slot still runs v1, healthy, 300s into its 600s warm window',
  });
  // At the window's very edge it is still warm; a millisecond after, it is not.
  assert.equal(trafficRollbackCase(facts({ now: '2026-12-03T12:10:00.000Z' }), 'v1').kind, 'switch_back');
  assert.equal(trafficRollbackCase(facts({ now: '2026-12-03T12:10:00.001Z' }), 'v1').kind, 'start_then_switch');
});

test('outside the window, another version, unhealthy, unknown: start the target in the idle slot first, and say why', () => {
  const cold = (f: TrafficFacts, target = 'v1') => {
    const decided = trafficRollbackCase(f, target);
    assert.equal(decided.kind, 'start_then_switch');
    assert.deepEqual([decided.slot, decided.failed], ['blue', 'green']);
    return decided.why;
  };
  assert.equal(cold(facts({ now: '2026-12-03T12:20:00.000Z' })), 'the blue slot runs v1, but its warm window ended 600s ago (keep_warm 600s)');
  assert.equal(cold(facts(), 'v0'), 'the blue slot runs v1, not v0');
  assert.equal(cold(facts({ blue: { version: null } })), 'the blue slot runs nothing');
  assert.equal(cold(facts({ blue: { healthy: false } })), 'the blue slot runs v1 but does not pass its health check');
  assert.equal(cold(facts({ blue: { idleSince: null } })), 'when the blue slot left the traffic is not known, so it is not counted as warm');
  assert.match(trafficRollbackCase(facts({ proxy: proxy(null) }), 'v1').why, /no single slot \(upstream file \/x\)/);
});

test('a deploy starts the new version in the slot the proxy does not send traffic to', () => {
  assert.equal(idleSlot(proxy('green')), 'blue');
  assert.equal(idleSlot(proxy('blue')), 'green');
  assert.equal(idleSlot(proxy(null)), 'blue');
});
