import assert from 'node:assert/strict';
import { it } from 'node:test';
import { batchesOf, commonVersion, onHostsLabel } from '../../src/core/fleet.js';

it('puts the canary hosts alone first, then the rest in batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual(batchesOf(hosts, 1, 2), [['a'], ['b', 'c'], ['d', 'e']]);
  assert.deepEqual(batchesOf(hosts, 0, 5), [['a', 'b', 'c', 'd', 'e']]);
  assert.deepEqual(batchesOf(hosts, 2, 10), [['a', 'b'], ['c', 'd', 'e']]);
  assert.deepEqual(batchesOf(hosts, 9, 1), [['a', 'b', 'c', 'd', 'e']]);
  assert.deepEqual(batchesOf(['local'], 0, 1), [['local']]);
});

it('a fleet runs one version only when every host agrees', () => {
  assert.equal(commonVersion({ a: 'v2', b: 'v2' }), 'v2');
  assert.equal(commonVersion({ a: 'v2', b: 'v3' }), null);
  assert.equal(commonVersion({ a: null }), null);
});

it('names hosts in step names unless there is only one', () => {
  assert.equal(onHostsLabel(['local'], ['local']), '');
  assert.equal(onHostsLabel(['a'], ['a', 'b']), ' on a');
});
