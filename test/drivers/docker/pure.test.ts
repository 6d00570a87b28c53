import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { keptName, type KeptContainer } from '../../../src/drivers/docker/containers.js';
import { imageFor, parseImageRef, pullable } from '../../../src/drivers/docker/imageRef.js';
import { chooseRemovals } from '../../../src/drivers/docker/prune.js';
import { demux } from '../../../src/drivers/docker/snapshot.js';

test('image references: registry with a port, Docker Hub names, digests; {version} substituted', () => {
  assert.deepEqual(imageFor('127.0.0.1:5000/shop:{version}', 'v1.2.0'), {
    text: '127.0.0.1:5000/shop:v1.2.0', registry: '127.0.0.1:5000', repository: 'shop', tag: 'v1.2.0', digest: null,
  });
  assert.equal(parseImageRef('busybox').repository, 'library/busybox');
  assert.equal(parseImageRef('acme/web:1').registry, 'docker.io');
  assert.equal(parseImageRef('localhost/web:1').registry, 'localhost');
  assert.equal(pullable(parseImageRef('busybox')), 'busybox:latest');
  assert.equal(pullable(parseImageRef('shop:v1')), 'shop:v1');
});

test('image references that are not: one line naming the value and the expected form', () => {
  for (const bad of ['Shop:v1', 'shop:v1;rm -rf /', 'a/../b', 'shop:', '-shop', 'shop:v1 extra', `${'a'.repeat(256)}`]) {
    assert.throws(() => parseImageRef(bad), (error) => isRewindError(error) && error.code === 'CONFIG_INVALID' &&
      error.message.startsWith(`docker.image ${JSON.stringify(bad)} is not a valid image reference: expected`) && !error.message.includes('\n'), bad);
  }
});

test('kept names: <container>-<version>-<time>, + made legal, failed ones marked', () => {
  const at = new Date('2026-12-03T07:17:54.123Z');
  assert.equal(keptName('shop-web', 'v1.2.0', at), 'shop-web-v1.2.0-20261203T071754.123Z');
  assert.equal(keptName('shop-web', '1.0.0+build.5', at, true), 'shop-web-1.0.0_build.5-20261203T071754.123Z-failed');
});

const kept = (version: string, minute: number, failed = false): KeptContainer => ({
  id: `${version}-${minute}`, name: `web-${version}`, version, image: `sha256:${version}`, keptAt: `2026-12-03T07:${String(minute).padStart(2, '0')}:00.000Z`, failed,
});

test('chooseRemovals: the newest `keep` stay, protected versions always stay (unless failed), the rest go', () => {
  const newestFirst = [kept('v5', 50), kept('v4', 40, true), kept('v3', 30), kept('v2', 20), kept('v1', 10)];
  assert.deepEqual(chooseRemovals(newestFirst, new Set(['v1']), 2).map((c) => c.version), ['v3', 'v2']);
  assert.deepEqual(chooseRemovals(newestFirst, new Set(['v4']), 1).map((c) => c.version), ['v4', 'v3', 'v2', 'v1']);
  assert.deepEqual(chooseRemovals(newestFirst, new Set(), 5), []);
  // A protected newest one counts among the kept: keep 1 and the last known good is the newest, so nothing else stays.
  assert.deepEqual(chooseRemovals(newestFirst, new Set(['v5']), 1).map((c) => c.version), ['v4', 'v3', 'v2', 'v1']);
});

test('demux: the log stream of a container without a TTY, frames of both streams in order', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header.writeUInt8(stream, 0);
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
  };
  assert.equal(demux(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')])), 'out 1\nerr 1\nout 2\n');
});
