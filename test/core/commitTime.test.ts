import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitTime } from '../../src/core/commitTime.js';

test('a commit time as git prints it (%cI) or rewind wrote it is told in UTC; anything else is unknown', () => {
  assert.equal(commitTime('2025-03-04T05:06:07+02:00\n'), '2025-03-04T03:06:07.000Z');
  assert.equal(commitTime('2025-03-04T05:06:07Z'), '2025-03-04T05:06:07.000Z');
  assert.equal(commitTime('2025-03-04T03:06:07.000Z'), '2025-03-04T03:06:07.000Z');
  for (const bad of ['', 'yesterday', '1741057567', '2025-03-04 05:06:07 +0200', '2025-13-40T99:99:99Z']) assert.equal(commitTime(bad), null, bad);
});
