import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryProblems, resolvesInside, summarizeProblems, type ArchiveEntry } from '../../../src/drivers/archive/entries.js';

const file = (path: string): ArchiveEntry => ({ path, type: 'File' });
const link = (path: string, linkpath: string): ArchiveEntry => ({ path, type: 'SymbolicLink', linkpath });

test('entries that stay inside the root pass: files, dirs, relative links that resolve inside', () => {
  assert.deepEqual(entryProblems([
    { path: './', type: 'Directory' },
    { path: './agents/', type: 'Directory' },
    file('./agents/a.md'),
    link('./agents/current', 'a.md'),
    link('./top', 'agents/../agents/a.md'),
    link('./agents/up', '../top'),
    { path: './hard', type: 'Link', linkpath: 'agents/a.md' },
  ]), []);
});

test('absolute paths, ".." anywhere, and an entry replacing the root are refused', () => {
  assert.deepEqual(entryProblems([file('/etc/cron.d/x'), file('../escaped.txt'), file('a/../../b'), { path: '.', type: 'File' }]), [
    'entry "/etc/cron.d/x" is an absolute path',
    'entry "../escaped.txt" climbs out with ".."',
    'entry "a/../../b" climbs out with ".."',
    'entry "." would replace the root itself',
  ]);
});

test('a symlink whose target leads outside is refused, also when it gets there through another link of the archive', () => {
  assert.deepEqual(entryProblems([link('etc', '/etc'), link('up', '../..'), link('empty', '')]), [
    'symlink "etc" points outside the root (-> /etc)',
    'symlink "up" points outside the root (-> ../..)',
    'symlink "empty" points outside the root (-> nothing)',
  ]);
  // `here -> .` is inside; `out -> here/..` looks inside by string surgery but the kernel reads it as the root's parent.
  assert.deepEqual(entryProblems([link('d/here', '.'), link('d/out', 'here/../..')]), ['symlink "d/out" points outside the root (-> here/../..)']);
  assert.deepEqual(entryProblems([link('a', 'b'), link('b', 'a')]), [
    'symlink "a" points outside the root (-> b)',
    'symlink "b" points outside the root (-> a)',
  ], 'a loop never resolves');
});

test('hard links outside, writing through a symlink, and devices are refused', () => {
  assert.deepEqual(entryProblems([
    { path: 'h', type: 'Link', linkpath: '../../etc/shadow' },
    { path: 'h2', type: 'Link', linkpath: '/etc/shadow' },
    link('sub', 'agents'),
    file('sub/x'),
    { path: 'null', type: 'CharacterDevice' },
    { path: 'pipe', type: 'FIFO' },
  ]), [
    'hard link "h" points outside the root (-> ../../etc/shadow)',
    'hard link "h2" points outside the root (-> /etc/shadow)',
    'entry "sub/x" would be written through the symlink "sub"',
    'entry "null" is a CharacterDevice: only files, directories and links are restored',
    'entry "pipe" is a FIFO: only files, directories and links are restored',
  ]);
});

test('resolvesInside walks parts the way the kernel does', () => {
  const links = new Map([['a', '.'], ['deep/b', '../a']]);
  assert.equal(resolvesInside(['x'], '../y', links), true);
  assert.equal(resolvesInside(['x'], '../../y', links), false);
  assert.equal(resolvesInside([], 'a/a/a/f', links), true);
  assert.equal(resolvesInside([], 'deep/b/..', links), false);
  assert.equal(summarizeProblems(['one', 'two', 'three']), 'one (and 2 more)');
  assert.equal(summarizeProblems(['one']), 'one');
});
