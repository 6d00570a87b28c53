import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProxyState } from '../../src/core/traffic.js';
import type { RewindError } from '../../src/core/errors.js';
import { fleetRollbackCase, idleSlot, trafficRollbackCase, type TrafficFacts } from '../../src/core/trafficCase.js';
import { trafficPlanSteps } from '../../src/core/trafficSteps.js';

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

test('a fleet switches back only when every host can; one cold host starts the target everywhere; split proxies are refused', () => {
  const back = trafficRollbackCase(facts(), 'v1');
  const cold = trafficRollbackCase(facts({ blue: { healthy: false } }), 'v1');
  assert.equal(fleetRollbackCase([{ host: 'web1', case: back }, { host: 'web2', case: back }]).kind, 'switch_back');
  assert.match(fleetRollbackCase([{ host: 'web1', case: back }, { host: 'web2', case: back }]).why, /^on every host, the blue slot/);
  const mixed = fleetRollbackCase([{ host: 'web1', case: back }, { host: 'web2', case: cold }]);
  assert.deepEqual([mixed.kind, mixed.slot, mixed.failed], ['start_then_switch', 'blue', 'green']);
  assert.match(mixed.why, /^web2: the blue slot runs v1 but does not pass its health check$/);
  const other = trafficRollbackCase(facts({ proxy: proxy('blue'), slots: { blue: { version: 'v2', healthy: true, idleSince: null },
    green: { version: 'v1', healthy: true, idleSince: '2026-12-03T12:00:00.000Z' } } }), 'v1');
  assert.throws(() => fleetRollbackCase([{ host: 'web1', case: back }, { host: 'web2', case: other }]),
    (error: RewindError) => error.code === 'TRAFFIC_SPLIT' && /web1 sends to green, web2 sends to blue/.test(error.message));
});

test('blue/green steps: batch by batch, each verified in its slot before its proxy moves; a switch back starts nothing', () => {
  const fleet = { targets: ['web1', 'web2', 'web3'], canary: 1, batch: 2 };
  const deploy = trafficPlanSteps({ version: 'v2', sha: null, slot: 'blue', start: true }, fleet);
  assert.deepEqual(deploy.map((s) => [s.id, s.hosts]), [
    ['start:v2:blue:batch-1', ['web1']], ['verify-slot:v2:blue:batch-1', ['web1']], ['route:v2:blue:batch-1', ['web1']],
    ['verify:v2:batch-1', ['web1']],
    ['start:v2:blue:batch-2', ['web2', 'web3']], ['verify-slot:v2:blue:batch-2', ['web2', 'web3']],
    ['route:v2:blue:batch-2', ['web2', 'web3']], ['verify:v2:batch-2', ['web2', 'web3']],
  ]);
  assert.deepEqual(deploy.filter((s) => s.final).map((s) => s.id), ['start:v2:blue:batch-2', 'verify-slot:v2:blue:batch-2',
    'route:v2:blue:batch-2', 'verify:v2:batch-2']);
  const back = trafficPlanSteps({ version: 'v1', sha: 'abcdef0123', slot: 'green', start: false, stop: { slot: 'blue', version: 'v2' } },
    { targets: ['local'], canary: 0 });
  assert.deepEqual(back.map((s) => [s.kind, s.title]), [
    ['route', 'send traffic to the green slot (v1)'], ['verify', 'verify v1 reports abcdef0 through the proxy'],
    ['stop', 'stop the blue slot (v2)'],
  ]);
});
