import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickVersionTag } from '../../../src/drivers/git/index.js';

test('pickVersionTag prefers a version over other names, the highest version, a release over its pre-releases', () => {
  assert.equal(pickVersionTag(['production', 'v1.4.1', 'latest']), 'v1.4.1');
  assert.equal(pickVersionTag(['v1.10.0', 'v1.9.0', 'v1.2.0']), 'v1.10.0');
  assert.equal(pickVersionTag(['v2.0.0-rc.2', 'v2.0.0', 'v2.0.0-rc.10']), 'v2.0.0');
  assert.equal(pickVersionTag(['1.0.0-beta', '1.0.0-alpha']), '1.0.0-beta');
  assert.equal(pickVersionTag(['1.4.1', 'v1.4.0']), '1.4.1');
  assert.equal(pickVersionTag(['v2', 'v10']), 'v10');
});

test('pickVersionTag is independent of input order and skips unusable names', () => {
  const tags = ['v2', 'v2.0.0', 'v2.0', 'stable'];
  const picked = pickVersionTag(tags);
  for (const order of [tags, [...tags].reverse(), ['v2.0', 'stable', 'v2.0.0', 'v2']]) assert.equal(pickVersionTag(order), picked);
  assert.equal(pickVersionTag(['stable', 'blue']), 'blue');
  assert.equal(pickVersionTag(['release/1', '-rf', 'ok']), 'ok');
  assert.equal(pickVersionTag(['release/1']), null);
  assert.equal(pickVersionTag([]), null);
});
