import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { encodeCodeCache } from '../../src/bin/codeCacheFile.js';
import type { CodeCacheUse } from '../../src/bin/loadBundle.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';

// What npm run build (npm ci) left in dist/: the bin runs this bundle with this cache.
const REPO = join(import.meta.dirname, '..', '..');
const BUNDLE = join(REPO, 'dist', 'rewind.bundle.cjs');
const CACHE = `${BUNDLE}.cache`;

/**
 * What the loader makes of a bundle and its cache, asked in a process of its own: V8 keeps what
 * it compiled for the life of a process, and takes a source it has seen from there, cache or not.
 */
async function codeCacheUse(bundle: string, cache: string): Promise<CodeCacheUse> {
  const loader = join(REPO, 'src', 'bin', 'loadBundle.ts');
  const script = `import(${JSON.stringify(loader)}).then(({ loadBundle }) => console.log(loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cache)}).codeCache))`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), '-e', script]);
  return stdout.trim() as CodeCacheUse;
}

test('V8 accepts the code cache the build wrote for the bundle', async () => {
  assert.equal(await codeCacheUse(BUNDLE, CACHE), 'accepted');
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The package as installed, in a dir of its own whose dist/ a test may damage; node_modules is shared. */
async function installedCopy(parent: string): Promise<string> {
  const root = join(parent, 'rewind');
  await mkdir(root);
  await cp(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  await cp(join(REPO, 'dist'), join(root, 'dist'), { recursive: true });
  await cp(join(REPO, 'package.json'), join(root, 'package.json'));
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return root;
}

async function runBin(root: string, cwd: string, args: string[]): Promise<Outcome> {
  return promisify(execFile)(process.execPath, [join(root, 'bin', 'rewind.js'), ...args], { cwd, env: { ...process.env, REWIND_USER: 'tester@example.com' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** The runs that must not change: the version, a command outside a project (exit 2), and one inside (opens the SQLite ledger). */
async function outcomes(root: string, outside: string, project: string): Promise<Outcome[]> {
  return [await runBin(root, outside, ['--version']), await runBin(root, outside, ['status']), await runBin(root, project, ['status'])];
}

test('a missing, damaged, stale or refused code cache, or no bundle at all, changes nothing but the start-up time', async (t) => {
  const parent = await tempDir(t);
  const root = await installedCopy(parent);
  const bundle = join(root, 'dist', 'rewind.bundle.cjs');
  const cache = `${bundle}.cache`;
  const outside = join(parent, 'outside');
  const project = join(parent, 'project');
  await mkdir(outside);
  await mkdir(project);
  await writeFile(join(project, 'rewind.yaml'), MINIMAL_CONFIG);

  const expected = await outcomes(root, outside, project);
  assert.equal(await codeCacheUse(bundle, cache), 'accepted');
  assert.deepEqual(expected.map((o) => o.code), [0, 2, 0]);
  assert.equal(expected[0]?.stdout.trim(), JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')).version);
  assert.match(expected[1]?.stderr ?? '', /^rewind: no rewind\.yaml[^\n]*\n$/);
  assert.match(expected[2]?.stdout ?? '', /^shop production \(releases\)/);

  const original = await readFile(cache);
  const originalBundle = await readFile(bundle);
  const damages: { name: string; use: CodeCacheUse; damage: () => Promise<void> }[] = [
    { name: 'no cache file', use: 'missing', damage: () => rm(cache) },
    { name: 'a truncated cache', use: 'damaged', damage: () => writeFile(cache, original.subarray(0, original.length >> 1)) },
    { name: 'flipped bytes in the cache data', use: 'damaged', damage: () => writeFile(cache, flipped(original)) },
    // Same length as the bundle the cache was made from: V8, which compares lengths only, would take it.
    { name: 'a cache from another bundle', use: 'damaged', damage: () => writeFile(bundle, sameLengthEdit(originalBundle)) },
    // Intact as a file, but nothing V8 can use: what another Node version's cache looks like to it.
    { name: 'a cache V8 refuses', use: 'rejected', damage: () => writeFile(cache, encodeCodeCache(originalBundle, Buffer.alloc(4096, 7))) },
  ];
  for (const { name, use, damage } of damages) {
    await writeFile(cache, original);
    await writeFile(bundle, originalBundle);
    await damage();
    assert.equal(await codeCacheUse(bundle, cache), use, name);
    assert.deepEqual(await outcomes(root, outside, project), expected, name);
  }

  // No bundle built: the bin runs the module tree in dist/.
  await rm(bundle);
  assert.deepEqual(await outcomes(root, outside, project), expected, 'no bundle');
});

/** The cache with a byte changed every 4 KB of V8's data (past the header): without a check of its own, node crashes on it. */
function flipped(file: Buffer): Buffer {
  const copy = Buffer.from(file);
  for (let at = 64; at < copy.length; at += 4096) copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}

/** The bundle with its banner's quotes changed: the same program, the same length, other bytes. */
function sameLengthEdit(bundle: Buffer): Buffer {
  const text = bundle.toString('latin1');
  const edited = text.replace("require('node:url')", 'require("node:url")');
  assert.notEqual(edited, text, 'the banner is where the test expects it');
  return Buffer.from(edited, 'latin1');
}
