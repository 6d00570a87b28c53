import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { GitConfig } from '../../../src/drivers/git/schema.js';
import type { Driver } from '../../../src/core/driver.js';
import type { Exec, Files } from '../../../src/core/ports.js';
import { createGitDriver, gitWriteRoots } from '../../../src/drivers/git/index.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { git } from '../../helpers/driverTesting.js';
import { tempDir } from '../../helpers/tmp.js';

export { git, rewindError } from '../../helpers/driverTesting.js';

/**
 * A bare "origin", a work repo that commits and pushes to it, and the app's
 * checkout cloned from it (the driver's path), on main at an untagged
 * commit. Tags: v1 and v2 (annotated) build; v3's build exits 1.
 */
export interface World {
  base: string;
  origin: string;
  work: string;
  /** The app's checkout: the driver's path. */
  path: string;
  /** Install and build scripts append a line here for every run. */
  log: string;
  exec: Exec;
  files: Files;
  sha: { v1: string; v2: string; v3: string; wip: string };
}

/** Writes installed.txt in its cwd; logs "install <cwd> <version> <sha> <preflight>". */
const INSTALL = `
const { appendFileSync, writeFileSync } = require('node:fs');
const e = process.env;
writeFileSync('installed.txt', e.REWIND_VERSION + ' ' + e.REWIND_SHA + '\\n');
appendFileSync(process.argv[2], ['install', process.cwd(), e.REWIND_VERSION, e.REWIND_SHA, e.REWIND_PREFLIGHT || '-'].join(' ') + '\\n');
`;

/** Writes built.txt from app.txt; logs "build <cwd> <version> <sha arg> <release_dir arg>". */
const BUILD_OK = `
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
writeFileSync('built.txt', 'built ' + readFileSync('app.txt', 'utf8'));
appendFileSync(process.argv[2], ['build', process.cwd(), process.env.REWIND_VERSION, process.argv[3], process.argv[4]].join(' ') + '\\n');
`;

const BUILD_BROKEN = `
const { appendFileSync } = require('node:fs');
appendFileSync(process.argv[2], ['build-broken', process.cwd(), process.env.REWIND_VERSION].join(' ') + '\\n');
console.log('compiling...');
console.error('src/index.ts(3,1): error TS1005');
console.error('boom: v3 cannot build');
process.exitCode = 1;
`;

export const DIRTY_CANDIDATES = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt', 'g.txt'];

async function commit(exec: Exec, work: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(work, name), text);
  await git(exec, work, 'add', '-A');
  await git(exec, work, 'commit', '-q', '-m', message);
  return git(exec, work, 'rev-parse', 'HEAD');
}

export async function world(t: TestContext): Promise<World> {
  const base = await tempDir(t, 'rewind-git-');
  const exec = createLocalExec();
  const origin = join(base, 'origin.git');
  const work = join(base, 'work');
  const path = join(base, 'srv', 'shop');
  await mkdir(work);
  await mkdir(join(base, 'srv'));
  await git(exec, base, 'init', '-q', '--bare', origin);
  await git(exec, work, 'init', '-q');

  const extra = Object.fromEntries(DIRTY_CANDIDATES.map((name) => [name, `${name}\n`]));
  const v1 = await commit(exec, work, { 'app.txt': 'one\n', 'install.js': INSTALL, 'build.js': BUILD_OK, ...extra }, 'one');
  await git(exec, work, 'tag', 'v1');
  const v2 = await commit(exec, work, { 'app.txt': 'two\n' }, 'two');
  await git(exec, work, 'tag', '-a', 'v2', '-m', 'release two');
  const v3 = await commit(exec, work, { 'app.txt': 'three\n', 'build.js': BUILD_BROKEN }, 'three');
  await git(exec, work, 'tag', 'v3');
  const wip = await commit(exec, work, { 'app.txt': 'wip\n', 'build.js': BUILD_OK }, 'work in progress');
  await git(exec, work, 'push', '-q', origin, 'main', '--tags');
  await git(exec, base, 'clone', '-q', origin, path);

  return { base, origin, work, path, log: join(base, 'commands.log'), exec, files: createGuardedFiles(gitWriteRoots(path)), sha: { v1, v2, v3, wip } };
}

export function config(w: World, more: Partial<GitConfig> = {}): GitConfig {
  return {
    path: w.path,
    remote: 'origin',
    install: [['node', 'install.js', w.log]],
    build: [['node', 'build.js', w.log, '{sha}', '{release_dir}']],
    preflight: true,
    allow_dirty: false,
    ...more,
  };
}

export function makeDriver(w: World, more: Partial<GitConfig> = {}, io: { exec?: Exec; files?: Files } = {}): Driver {
  return createGitDriver({ app: 'shop', env: 'production', config: config(w, more), exec: io.exec ?? w.exec, files: io.files ?? w.files });
}

/** An Exec that records every argv before running it for real. */
export function recordingExec(inner: Exec): Exec & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run(argv, options) {
      calls.push([...argv]);
      return inner.run(argv, options);
    },
  };
}

export async function logLines(w: World): Promise<string[]> {
  const text = await readFile(w.log, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

export async function head(w: World): Promise<string> {
  return git(w.exec, w.path, 'rev-parse', 'HEAD');
}

/** The paths of every worktree the checkout knows. */
export async function worktrees(w: World): Promise<string[]> {
  const listed = await git(w.exec, w.path, 'worktree', 'list', '--porcelain');
  return listed.split('\n').filter((line) => line.startsWith('worktree ')).map((line) => line.slice('worktree '.length));
}

/** The error a promise rejects with, for looking at its details. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}
