import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isSafeName } from '../../src/core/names.js';
import { expandArgv, unknownPlaceholders } from '../../src/core/template.js';

it('accepts version-like names and refuses anything that could escape a path or a command', () => {
  for (const ok of ['v1.2.3', '1.0.0-rc.1', '2026.11.22+build.7', 'release_42', 'a']) assert.equal(isSafeName(ok), true, ok);
  for (const bad of ['', '../x', 'a/b', 'a..b', '-rf', '.hidden', 'a b', 'a;b', 'a$(x)', 'a`b`', 'a|b', 'a\nb', 'x'.repeat(129)]) {
    assert.equal(isSafeName(bad), false, JSON.stringify(bad));
  }
  assert.equal(isSafeName('x'.repeat(128)), true);
});

it('substitutes placeholders per argument without splitting or interpreting them', () => {
  const argv = expandArgv(['deploy', '{version}', '--dir={release_dir}/x', '{unknown}'], { version: 'a b;c', release_dir: '/srv/r' });
  assert.deepEqual(argv, ['deploy', 'a b;c', '--dir=/srv/r/x', '{unknown}']);
  assert.deepEqual(unknownPlaceholders('{version}-{nope}'), ['nope']);
});
