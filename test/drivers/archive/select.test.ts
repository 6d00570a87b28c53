import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { globRegex, selectEntries } from '../../../src/drivers/archive/select.js';
import { tempDir } from '../../helpers/tmp.js';
import { rewindError, writeTree } from './helpers.js';

const SOURCE = {
  'agents/a.md': 'a', 'agents/deep/b.md': 'b', 'steps/one.yaml': '1', 'templates/t.md': 't', 'config.yaml': 'c',
  'notes.log': 'n', 'agents/debug.log': 'd', '.git/HEAD': 'h', 'node_modules/x/index.js': 'x', 'agents/link': '-> a.md',
  '.rewind-archive.json': '{}',
};

const paths = async (dir: string, include: string[], exclude: string[]) => (await selectEntries(dir, { include, exclude })).map((e) => e.path);

test('exclude: a name at any depth without "/", a path from the root with it; the marker is never packed', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, SOURCE);
  assert.deepEqual(await paths(dir, [], ['.git', 'node_modules', '*.log', 'agents/deep']), [
    'agents', 'agents/a.md', 'agents/link', 'config.yaml', 'steps', 'steps/one.yaml', 'templates', 'templates/t.md',
  ]);
});

test('include: paths or globs from the root; a dir brings its subtree, the dirs on the way come along', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, SOURCE);
  assert.deepEqual(await paths(dir, ['agents', 'config.yaml'], ['*.log']), [
    'agents', 'agents/a.md', 'agents/deep', 'agents/deep/b.md', 'agents/link', 'config.yaml',
  ]);
  assert.deepEqual(await paths(dir, ['**/*.md'], []), ['agents', 'agents/a.md', 'agents/deep', 'agents/deep/b.md', 'templates', 'templates/t.md']);
  assert.deepEqual(await paths(dir, ['agents/*.md'], []), ['agents', 'agents/a.md']);
  assert.deepEqual(await paths(dir, ['nothing-here'], []), []);
});

test('a FIFO in the source is refused in one line, naming it', async (t) => {
  const dir = await tempDir(t);
  await writeTree(dir, { 'a.txt': 'a' });
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  await assert.rejects(paths(dir, [], []), rewindError('BUILD_FAILED', /pipe is not a file, directory or symlink/));
});

test('globs: * and ? within a part, ** across parts', () => {
  assert.ok(globRegex('*.md').test('a.md'));
  assert.ok(!globRegex('*.md').test('x/a.md'));
  assert.ok(globRegex('a?c').test('abc'));
  assert.ok(globRegex('build/**').test('build/x/y'));
  assert.ok(globRegex('**/x.yaml').test('x.yaml'));
  assert.ok(globRegex('**/x.yaml').test('a/b/x.yaml'));
  assert.ok(!globRegex('a.b').test('axb'), 'a dot is a dot');
});
