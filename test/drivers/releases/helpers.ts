import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ReleasesConfig, SourceConfig } from '../../../src/drivers/releases/schema.js';
import type { Driver } from '../../../src/core/driver.js';
import type { Clock, Exec, Files } from '../../../src/core/ports.js';
import { createReleasesDriver } from '../../../src/drivers/releases/index.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { git } from '../../helpers/driverTesting.js';
import { tempDir } from '../../helpers/tmp.js';

export { git, rewindError } from '../../helpers/driverTesting.js';

export interface Fixture {
  /** The write root. */
  root: string;
  /** The releases path (inside the root). */
  path: string;
  /** Where the config file would be: sources are relative to it (outside the root). */
  configDir: string;
  exec: Exec;
  files: Files;
}

export async function fixture(t: TestContext): Promise<Fixture> {
  const base = await tempDir(t);
  const root = join(base, 'srv');
  const configDir = join(base, 'project');
  await mkdir(root);
  await mkdir(configDir);
  return { root, path: join(root, 'shop'), configDir, exec: createLocalExec(), files: createGuardedFiles([root]) };
}

/** A clock that moves one minute per reading, so manifests order predictably. */
export function steppingClock(start = Date.UTC(2024, 0, 1)): Clock {
  let tick = 0;
  return { now: () => new Date(start + 60_000 * tick++) };
}

export function makeDriver(
  fx: Fixture,
  source: SourceConfig,
  more: { build?: string[][]; shared?: string[]; keep?: number; clock?: Clock; files?: Files; path?: string } = {},
): Driver {
  const config: ReleasesConfig = {
    path: more.path ?? fx.path,
    keep: 5,
    source,
    build: more.build ?? [],
    shared: more.shared ?? [],
  };
  return createReleasesDriver({
    app: 'shop',
    env: 'production',
    path: more.path ?? fx.path,
    configDir: fx.configDir,
    config,
    exec: fx.exec,
    files: more.files ?? fx.files,
    keep: more.keep,
    clock: more.clock,
  });
}

/** A dir source under the project: build/<version>/ holding app.txt. */
export async function dirBuilds(fx: Fixture, versions: readonly string[]): Promise<SourceConfig> {
  for (const version of versions) {
    const dir = join(fx.configDir, 'build', version);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'app.txt'), `app ${version}\n`);
  }
  return { dir: 'build/{version}' };
}

/** A repository with two tagged commits; returns their shas. */
export async function makeRepo(fx: Fixture, dir = join(fx.configDir, 'repo')): Promise<{ repo: string; sha1: string; sha2: string }> {
  await mkdir(dir, { recursive: true });
  await git(fx.exec, dir, 'init', '-q');
  await writeFile(join(dir, 'app.txt'), 'version one\n');
  await mkdir(join(dir, 'lib'));
  await writeFile(join(dir, 'lib', 'code.js'), 'export const v = 1;\n');
  await git(fx.exec, dir, 'add', '-A');
  await git(fx.exec, dir, 'commit', '-q', '-m', 'one');
  await git(fx.exec, dir, 'tag', 'v1');
  const sha1 = await git(fx.exec, dir, 'rev-parse', 'HEAD');
  await writeFile(join(dir, 'app.txt'), 'version two\n');
  await writeFile(join(dir, 'new.txt'), 'added in two\n');
  await git(fx.exec, dir, 'add', '-A');
  await git(fx.exec, dir, 'commit', '-q', '-m', 'two');
  await git(fx.exec, dir, 'tag', '-a', 'v2', '-m', 'annotated two');
  const sha2 = await git(fx.exec, dir, 'rev-parse', 'HEAD');
  return { repo: dir, sha1, sha2 };
}
