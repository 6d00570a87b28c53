import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import * as tar from 'tar';
import type { Driver } from '../../../src/core/driver.js';
import type { Clock, Exec, Files } from '../../../src/core/ports.js';
import { createArchiveDriver } from '../../../src/drivers/archive/index.js';
import { layoutOf, MARKER_FILE } from '../../../src/drivers/archive/layout.js';
import type { ArchiveConfig } from '../../../src/drivers/archive/schema.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { tempDir } from '../../helpers/tmp.js';

export { rewindError } from '../../helpers/driverTesting.js';

export interface Fixture {
  /** Everything of the test: what a bad tarball could reach lies here too, outside every write root. */
  base: string;
  /** The write root that holds the live dir, its staging and previous dirs, and the store. */
  root: string;
  path: string;
  store: string;
  /** Sources and hand-made tarballs. */
  configDir: string;
  stateDir: string;
  exec: Exec;
  files: Files;
}

export async function fixture(t: TestContext): Promise<Fixture> {
  const base = await tempDir(t, 'rewind-archive-');
  const root = join(base, 'srv');
  const configDir = join(base, 'project');
  const stateDir = join(configDir, '.rewind');
  await mkdir(root);
  await mkdir(configDir);
  return {
    base, root, path: join(root, 'site'), store: join(root, 'store'), configDir, stateDir,
    exec: createLocalExec(), files: createGuardedFiles([root, stateDir]),
  };
}

/** A clock one minute further at every reading, so backups get distinct names. */
export function steppingClock(start = Date.UTC(2026, 11, 3, 7)): Clock {
  let tick = 0;
  return { now: () => new Date(start + 60_000 * tick++) };
}

export function makeDriver(
  fx: Fixture, more: Partial<ArchiveConfig> & { smoke?: string[][]; clock?: Clock } = {},
): Driver {
  const config: ArchiveConfig = {
    path: fx.path, store: fx.store, source: { dir: join(fx.configDir, 'src', '{version}') }, include: [], exclude: [], keep: 5,
    ...more,
  };
  return createArchiveDriver({
    app: 'site', env: 'production', address: '127.0.0.1', config, layout: layoutOf(fx.path, fx.store), configDir: fx.configDir,
    scratchDir: join(fx.stateDir, 'archive', 'production'), files: fx.files, exec: fx.exec, smoke: more.smoke ?? [],
    clock: more.clock ?? steppingClock(), random: () => Math.random().toString(16).slice(2, 10),
  });
}

/** Writes files (content) and symlinks (`-> target`) under `dir`. */
export async function writeTree(dir: string, tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const at = join(dir, path);
    await mkdir(dirname(at), { recursive: true });
    if (content.startsWith('-> ')) await symlink(content.slice(3), at);
    else await writeFile(at, content);
  }
}

/** What a tree holds: file contents and symlink targets by path; the marker left out unless asked for. */
export async function readTree(dir: string, withMarker = false): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (rel: string) => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (path === MARKER_FILE && !withMarker) continue;
      const stat = await lstat(join(dir, path));
      if (stat.isSymbolicLink()) out[path] = `-> ${await readlink(join(dir, path))}`;
      else if (stat.isDirectory()) await visit(path);
      else out[path] = await readFile(join(dir, path), 'utf8');
    }
  };
  await visit('');
  return out;
}

/**
 * A .tar.gz made with node-tar from `cwd`, entries named as given and kept as
 * they are (preservePaths): how a hostile archive with `../x` or `/abs` entries is made.
 */
export async function rawTarball(file: string, cwd: string, entries: string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await tar.c({ file, cwd, gzip: true, preservePaths: true, portable: true }, entries);
}
