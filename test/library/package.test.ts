import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/tmp.js';

/**
 * rewind as a user gets it: `npm pack` (which runs the prepare script, the build), `npm install`
 * of the tarball into a project of its own, then the library used from plain JavaScript and
 * type-checked from TypeScript, through the package's entry point only.
 */

const REPO = join(import.meta.dirname, '..', '..');
const CONSUMER = join(import.meta.dirname, 'consumer');
const MINUTE = 60_000;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }): Promise<Ran> {
  return promisify(execFile)(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number | string; stdout?: string; stderr?: string; message: string }) => ({
      code: typeof error.code === 'number' ? error.code : -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? error.message,
    }),
  );
}

function succeeded(what: string, ran: Ran): Ran {
  assert.equal(ran.code, 0, `${what} exited ${ran.code}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`);
  return ran;
}

/**
 * This process's environment without what `npm test` hands its scripts (npm_package_*,
 * npm_lifecycle_*, npm_config_local_prefix, ...), which would point the npm run here at this
 * repository; the user's npm settings (cache, registry, userconfig) stay.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase())));
}

/**
 * The project as it stands in this working tree, copied to `dir` with node_modules linked, so that
 * the build `npm pack` runs writes its own dist/ and never the one other tests read in the repository.
 */
async function copyProject(dir: string): Promise<void> {
  await mkdir(dir);
  for (const name of ['package.json', 'package-lock.json', '.npmrc', 'README.md', 'tsconfig.json', 'bin', 'scripts', 'src']) {
    await cp(join(REPO, name), join(dir, name), { recursive: true });
  }
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
}

async function versionOf(packageDir: string): Promise<string> {
  return (JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Install the tarball from the local npm cache (`npm ci` filled it), without the network when the
 * cache has everything. Dependencies' install scripts are skipped: better-sqlite3's would compile
 * SQLite for minutes (no prebuilt binary is reachable offline); its addon is taken from this
 * repository's own build of the same version instead (or built, if the versions differ).
 * ssh2 without its optional addon falls back to JavaScript, as it does wherever that build fails.
 */
async function installTarball(t: TestContext, project: string, tarball: string): Promise<void> {
  await mkdir(project);
  await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'rewind-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const typesNode = await versionOf(join(REPO, 'node_modules', '@types', 'node'));
  const args = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tarball, `@types/node@${typesNode}`];
  const env = npmEnv();
  let installed = await run('npm', [...args, '--offline'], { cwd: project, env, timeout: 5 * MINUTE });
  if (installed.code !== 0 && /ENOTCACHED/.test(installed.stderr)) {
    t.diagnostic('the npm cache lacks part of the dependency tree: installing with --prefer-offline, which may use the registry');
    installed = await run('npm', [...args, '--prefer-offline'], { cwd: project, env, timeout: 5 * MINUTE });
  }
  succeeded('npm install of the tarball', installed);

  const sqlite = join(project, 'node_modules', 'better-sqlite3');
  const ours = join(REPO, 'node_modules', 'better-sqlite3');
  if ((await versionOf(sqlite)) === (await versionOf(ours))) {
    await mkdir(join(sqlite, 'build', 'Release'), { recursive: true });
    await copyFile(join(ours, 'build', 'Release', 'better_sqlite3.node'), join(sqlite, 'build', 'Release', 'better_sqlite3.node'));
  } else {
    t.diagnostic('better-sqlite3 resolved to another version than the repository has: building its addon');
    succeeded('npm rebuild better-sqlite3', await run('npm', ['rebuild', 'better-sqlite3', '--offline'], { cwd: project, env, timeout: 10 * MINUTE }));
  }
}

interface Facts {
  afterImport: { heavy: string[]; exitCode: number | null; exports: string[] };
  deepImport: string;
  parsed: string;
  selected: string;
  unknownEnv: { isRewindError: boolean; code: string; exitCode: number; usage: number };
  afterOpen: { heavy: string[]; app: string; envName: string; driverKind: string; targets: string[] };
  deploys: { ok: boolean; version: string; status: string; runStatus: string; error: string | null }[];
  status: { live: string | null; observed: string | null; lastKnownGood: string | null; drift: string[] };
  history: { releases: string[]; runs: string[] };
  drill: { ok: boolean; from: string; to: string; logged: boolean };
  plan: { from: string; to: string; chosenBy: string; runStatus: string; approvalRequired: boolean; savedTo: string; currentBefore: string };
  rollback: { samePlan: boolean; ok: boolean; liveAfter: string | null; error: string | null; current: string; report: boolean };
  statusAfter: string | null;
  events: string[];
  afterRun: { heavy: string[] };
}

test('the packed package installs and works as a library, from JavaScript and from TypeScript', { timeout: 15 * MINUTE }, async (t) => {
  const dir = await tempDir(t, 'rewind-library-');
  const source = join(dir, 'source');
  await copyProject(source);
  await mkdir(join(dir, 'pack'));
  // npm pack runs prepare (tsc, then the bundle) in the copy; its log goes to stderr.
  const packed = succeeded('npm pack', await run('npm', ['pack', '--json', '--pack-destination', join(dir, 'pack')], { cwd: source, env: npmEnv(), timeout: 5 * MINUTE }));
  const [manifest] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  assert.ok(manifest, 'npm pack --json printed no manifest');
  const files = manifest.files.map((f) => f.path);
  for (const needed of ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/wiring/openEnvironment.js', 'dist/operations/deploy.d.ts', 'bin/rewind.js', 'dist/rewind.bundle.cjs', 'dist/rewind.bundle.cjs.cache']) {
    assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
  }
  assert.deepEqual(files.filter((f) => /^(src|test|scripts|bench)\//.test(f)), [], 'the tarball carries sources or tests');

  const project = join(dir, 'project');
  await installTarball(t, project, join(dir, 'pack', manifest.filename));

  await t.test('(a) plain JavaScript: deploy, status, history, drill, plan and apply a rollback', async () => {
    await copyFile(join(CONSUMER, 'library.mjs'), join(project, 'library.mjs'));
    // --help: the library must not read the command line (the CLI would print its help and exit).
    const ran = succeeded('node library.mjs', await run(process.execPath, ['library.mjs', '--help'], { cwd: project, env: { ...process.env, REWIND_USER: 'library@example.com' }, timeout: 2 * MINUTE }));
    assert.equal(ran.stdout.trim().split('\n').length, 1, `the library printed something of its own:\n${ran.stdout}`);
    const facts = JSON.parse(ran.stdout) as Facts;

    // Importing starts nothing and loads no heavy package; the surface is the curated one.
    assert.deepEqual(facts.afterImport.heavy, []);
    assert.equal(facts.afterImport.exitCode, null);
    for (const name of ['loadConfig', 'selectEnvironment', 'parseConfigText', 'openEnvironment', 'planRollbackRun', 'applyRollback', 'loadSavedPlan', 'deploy', 'recordDeployment', 'status', 'history', 'drill', 'RewindError', 'EXIT', 'ERRORS']) {
      assert.ok(facts.afterImport.exports.includes(name), `rewind does not export ${name}`);
    }
    assert.equal(facts.deepImport, 'ERR_PACKAGE_PATH_NOT_EXPORTED');

    assert.equal(facts.parsed, 'releases');
    assert.equal(facts.selected, 'production');
    assert.deepEqual(facts.unknownEnv, { isRewindError: true, code: 'UNKNOWN_ENV', exitCode: 2, usage: 2 });
    // A SQLite ledger loads better-sqlite3 when it opens; PostgreSQL and SSH stay unloaded throughout.
    assert.deepEqual(facts.afterOpen, { heavy: ['better-sqlite3'], app: 'shop', envName: 'production', driverKind: 'releases', targets: ['local'] });
    assert.deepEqual(facts.afterRun.heavy, ['better-sqlite3']);

    assert.deepEqual(facts.deploys, [
      { ok: true, version: 'v1', status: 'verified', runStatus: 'succeeded', error: null },
      { ok: true, version: 'v2', status: 'verified', runStatus: 'succeeded', error: null },
    ]);
    assert.deepEqual(facts.status, { live: 'v2', observed: 'v2', lastKnownGood: 'v1', drift: [] });
    assert.deepEqual(facts.history, { releases: ['v2:verified', 'v1:superseded'], runs: ['deploy:succeeded', 'deploy:succeeded'] });
    assert.deepEqual(facts.drill, { ok: true, from: 'v2', to: 'v1', logged: true });
    // The plan goes back to the last known good, is saved, and changes nothing by itself.
    assert.deepEqual(facts.plan, { from: 'v2', to: 'v1', chosenBy: 'last_known_good', runStatus: 'planned', approvalRequired: false, savedTo: 'v1', currentBefore: 'releases/v2' });
    assert.deepEqual(facts.rollback, { samePlan: true, ok: true, liveAfter: 'v1', error: null, current: 'releases/v1', report: true });
    assert.equal(facts.statusAfter, 'v1');
    assert.deepEqual(facts.events, ['run.started', 'step.finished', 'step.started']);

    // The bin in the same tarball reads the ledger the library wrote.
    const cli = succeeded('rewind status', await run(process.execPath, [join(project, 'node_modules', 'rewind', 'bin', 'rewind.js'), 'status', '--json'], { cwd: project, env: { ...process.env, REWIND_USER: 'library@example.com' }, timeout: MINUTE }));
    const shown = JSON.parse(cli.stdout) as { live: { version: string } | null; drift: string[] };
    assert.equal(shown.live?.version, 'v1');
    assert.deepEqual(shown.drift, []);
  });

  await t.test('(b) TypeScript: the declarations type-check under --strict --module nodenext', async () => {
    await copyFile(join(CONSUMER, 'typed.mts'), join(project, 'typed.mts'));
    // No --skipLibCheck: rewind's own declarations are checked too.
    const tsc = join(REPO, 'node_modules', '.bin', 'tsc');
    succeeded('tsc', await run(tsc, ['--noEmit', '--strict', '--module', 'nodenext', 'typed.mts'], { cwd: project, timeout: 3 * MINUTE }));
  });
});
