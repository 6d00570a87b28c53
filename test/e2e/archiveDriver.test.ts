import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, lchown, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { nobodySkipReason } from '../helpers/nobody.js';
import * as tar from 'tar';
import { sha256File } from '../../src/drivers/archive/sha.js';
import { freePort } from '../../src/exec/freePort.js';
import { rawTarball, readTree, writeTree } from '../drivers/archive/helpers.js';
import { rewind } from '../helpers/cli.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { stopChild } from '../helpers/stopChild.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A static site served from the live dir: its health endpoint reads
 * live/site.json on every request (so a swap needs no reload) and answers 503
 * for a version marked broken, or when the dir is not there.
 */
const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
http.createServer((req, res) => {
  let site = null;
  try { site = JSON.parse(fs.readFileSync(path.join(process.argv[3], 'site.json'), 'utf8')); } catch {}
  res.setHeader('content-type', 'application/json');
  res.statusCode = site === null || site.broken ? 503 : 200;
  res.end(JSON.stringify(site === null ? { status: 'nothing served' } : { status: site.broken ? 'broken' : 'ok', version: site.version }));
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
`;

interface Site {
  root: string;
  live: string;
  store: string;
  cli: (...args: string[]) => ReturnType<typeof rewind>;
  config: (archive?: string, more?: string) => Promise<void>;
  /** What a version's source holds (site.json, index.html, pages). */
  source: (version: string) => Record<string, string>;
  served: () => Promise<{ http: number; version?: string } | null>;
}

const SOURCES: Record<string, Record<string, string>> = {};
for (const [version, broken] of [['v1', false], ['v2', false], ['v3', true]] as const) {
  SOURCES[version] = {
    'site.json': JSON.stringify({ version, broken }),
    'index.html': `<h1>${version}</h1>\n`,
    [`pages/${version}.html`]: version,
    'pages/latest.html': `-> ${version}.html`,
  };
}
// v4 has no index.html: the smoke command fails it in its staging dir, before anything is swapped.
SOURCES.v4 = { 'site.json': JSON.stringify({ version: 'v4', broken: false }), 'pages/v4.html': 'v4' };

async function makeSite(t: TestContext): Promise<Site> {
  let server: ChildProcess | undefined;
  const root = await tempDir(t, 'rewind-archive-e2e-', async () => {
    if (server) await stopChild(server);
  });
  for (const [version, files] of Object.entries(SOURCES)) await writeTree(join(root, 'src', version), { ...files, '.git/HEAD': 'x' });
  await writeFile(join(root, 'server.js'), SERVER);
  const live = join(root, 'srv', 'site');
  const port = await freePort();
  server = spawn(process.execPath, [join(root, 'server.js'), String(port), live], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    server?.stdout?.once('data', () => resolve());
    server?.once('exit', (code) => reject(new Error(`the site exited ${code} before listening`)));
  });
  const archive = `      path: ./srv/site
      store: ./backups
      source: { dir: "./src/{version}" }
      exclude: [.git]
`;
  return {
    root, live, store: join(root, 'backups'),
    cli: (...args) => rewind(root, args),
    source: (version) => SOURCES[version] as Record<string, string>,
    config: (section = archive, more = '') => writeFile(join(root, 'rewind.yaml'), `app: site
environments:
  production:
    driver: archive
${more}    archive:
${section}    smoke: [["test", "-f", "{release_dir}/index.html"]]
    health: { url: "http://127.0.0.1:${port}/health", expect_version: version, timeout: 1s, interval: 100ms, successes: 1 }
`),
    served: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        return { http: response.status, version: ((await response.json()) as { version?: string }).version };
      } catch {
        return null;
      }
    },
  };
}

async function tarballPaths(file: string): Promise<string[]> {
  const paths: string[] = [];
  await tar.t({ file, onReadEntry: (e) => { paths.push(e.path); } });
  return paths.sort();
}

test('archive: deploys from tarballs, a broken one rolled back by itself with a backup, one failing validation never swapped in', async (t) => {
  const site = await makeSite(t);
  await site.config();

  const first = await site.cli('deploy', 'v1', '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const tarball = join(site.store, 'v1.tar.gz');
  assert.equal(first.json().release.artifact, `${tarball} sha256:${await sha256File(tarball)}`, 'the sha256 is recorded in the ledger');
  assert.equal((await readFile(`${tarball}.sha256`, 'utf8')).split(' ')[0], await sha256File(tarball), 'and beside the tarball');
  assert.ok(!(await tarballPaths(tarball)).some((p) => p.includes('.git')), 'exclude: .git is not packed');
  assert.deepEqual(await readTree(site.live), site.source('v1'));
  assert.deepEqual(await site.served(), { http: 200, version: 'v1' });

  const second = await site.cli('deploy', 'v2', '--json');
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.json().steps.find((s: any) => s.name === 'switch to v2').detail, /validated by 1 smoke command; what it held \(v1\) is kept as/);
  assert.deepEqual(await readTree(site.live), site.source('v2'));
  assert.deepEqual(await readdir(join(site.root, 'srv')), ['site'], 'after verification, .previous is pruned');

  // v3 passes its smoke command in staging but its health answers 503: verification fails, and the deploy goes back to v2.
  const broken = await site.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  const doc = broken.json();
  assert.equal(doc.error.code, 'VERIFY_FAILED');
  assert.deepEqual([doc.rollback.ok, doc.rollback.to_version, doc.rollback.live_after], [true, 'v2', 'v2']);
  assert.deepEqual(await readTree(site.live), site.source('v2'), 'wholly v2 again');
  assert.deepEqual(await site.served(), { http: 200, version: 'v2' });
  // Before the rollback touched anything, v3 as it was served was packed, with its sha256 and a manifest in the report dir.
  const backup = (await readdir(site.store)).find((n) => /^v3-broken-\d{8}T\d{6}\.\d{3}Z\.tar\.gz$/.test(n)) as string;
  assert.ok(backup, (await readdir(site.store)).join(' '));
  assert.equal((await readFile(join(site.store, `${backup}.sha256`), 'utf8')).split(' ')[0], await sha256File(join(site.store, backup)));
  assert.deepEqual(await tarballPaths(join(site.store, backup)), [
    './.rewind-archive.json', './index.html', './pages/', './pages/latest.html', './pages/v3.html', './site.json',
  ]);
  const reportDir = join(site.root, '.rewind', 'reports', 'rollbacks', doc.rollback.run_id);
  const manifest = await readFile(join(reportDir, backup.replace('.tar.gz', '.manifest.tsv')), 'utf8');
  assert.deepEqual(manifest.trim().split('\n').map((l) => l.split('\t')[0]), [
    '.rewind-archive.json', 'index.html', 'pages/', 'pages/latest.html', 'pages/v3.html', 'site.json',
  ]);
  assert.match(manifest, /\npages\/latest\.html\tsymlink:v3\.html\t-\n/);

  // v4 lacks index.html: its smoke command fails in staging, and the live dir never changes.
  const invalid = await site.cli('deploy', 'v4', '--json');
  assert.equal(invalid.code, 1, invalid.stdout + invalid.stderr);
  assert.match(invalid.json().error.message,
    /^v4 failed validation in .*srv\/site\.staging\/v4: `test -f .*site\.staging\/v4\/index\.html` exited 1; nothing was swapped: .*srv\/site still holds v2$/);
  assert.equal(invalid.json().rollback_skipped, 'v4 never became current: nothing to roll back');
  assert.deepEqual(await readTree(site.live), site.source('v2'));
  assert.deepEqual((await readdir(join(site.root, 'srv'))).sort(), ['site', 'site.previous'], 'no staging dir is left');
});

test('archive: a manual rollback backs up the live version, restores the verified tarball, and status says so', async (t) => {
  const site = await makeSite(t);
  await site.config();
  for (const v of ['v1', 'v2']) assert.equal((await site.cli('deploy', v)).code, 0);

  const plan = await site.cli('rollback', '--json');
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  const planMd = await readFile(join(site.root, '.rewind', 'reports', 'rollbacks', plan.json().run_id, 'plan.md'), 'utf8');
  assert.match(planMd, /before the switch, .*srv\/site \(v2\) is packed to .*backups\/v2-broken-\\<time>\.tar\.gz/);
  assert.match(planMd, /v1 is restored from .*backups\/v1\.tar\.gz \(sha256 [0-9a-f]{12}, checked; every entry stays inside/);

  const rolled = await site.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  const steps = rolled.json().steps;
  assert.deepEqual(steps.map((s: any) => [s.name, s.ok]), [['check v1 is present', true], ['switch to v1', true], ['verify v1', true], ['mark v2 rolled_back', true]]);
  assert.match(steps[1].detail, /srv\/site holds v1 .*backed up to .*backups\/v2-broken-.*\.tar\.gz \(sha256 [0-9a-f]{12}, 4 files\)/);
  assert.deepEqual(await readTree(site.live), site.source('v1'));
  assert.deepEqual(await site.served(), { http: 200, version: 'v1' });
  const reportDir = join(site.root, '.rewind', 'reports', 'rollbacks', rolled.json().run_id);
  assert.ok((await readdir(reportDir)).some((n) => /^v2-broken-.*\.manifest\.tsv$/.test(n)));
  assert.deepEqual(await readTree(`${site.live}.previous`), site.source('v2'), 'what it replaced is kept beside it');
  const status = (await site.cli('status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['v1', 'v1', []]);
});

test('archive: a corrupted and a missing tarball are refused in the plan (exit 3), in one line, and nothing changes', async (t) => {
  const site = await makeSite(t);
  await site.config();
  for (const v of ['v1', 'v2']) assert.equal((await site.cli('deploy', v)).code, 0);
  const tarball = join(site.store, 'v1.tar.gz');
  const original = await readFile(tarball);
  const storeBefore = (await readdir(site.store)).sort();
  const runsBefore = (await site.cli('history', '--json')).json().runs.length;

  const flipped = Buffer.from(original);
  flipped[20] = (flipped[20] as number) ^ 0x01;
  await writeFile(tarball, flipped);
  const altered = await site.cli('rollback', '--apply', '--yes');
  assert.equal(altered.code, 3, altered.stdout + altered.stderr);
  assert.match(altered.stderr.trim(), /^rewind: .*backups\/v1\.tar\.gz was altered since v1 was recorded: its sha256 is [0-9a-f]{12}\.\.\., the ledger recorded [0-9a-f]{12}\.\.\.; put back the tarball recorded for v1 \(`sha256sum` must print [0-9a-f]{64}\), or choose another target with --target-version$/);
  assert.equal(altered.stderr.trim().split('\n').length, 1);

  await rm(tarball);
  const missing = await site.cli('rollback');
  assert.equal(missing.code, 3, missing.stdout + missing.stderr);
  assert.match(missing.stderr.trim(), /^rewind: .*backups\/v1\.tar\.gz is missing from the store: v1 cannot be restored; put back the tarball/);

  assert.deepEqual(await readTree(site.live), site.source('v2'));
  assert.deepEqual(await site.served(), { http: 200, version: 'v2' });
  assert.deepEqual((await readdir(site.store)).sort(), storeBefore.filter((n) => n !== 'v1.tar.gz'), 'no backup, nothing new in the store');
  assert.equal((await site.cli('history', '--json')).json().runs.length, runsBefore, 'no run was saved');

  await writeFile(tarball, original);
  const restored = await site.cli('rollback', '--apply', '--yes');
  assert.equal(restored.code, 0, restored.stdout + restored.stderr);
  assert.deepEqual(await readTree(site.live), site.source('v1'));
});

test('archive: source tarballs with a "../" entry or an escaping symlink are refused, and nothing is written outside', async (t) => {
  const site = await makeSite(t);
  await site.config(`      path: ./srv/site
      store: ./backups
      source: { tarball: "./dist/{version}.tar.gz" }
`);
  const craft = join(site.root, 'craft');
  await writeTree(join(craft, 'v1'), site.source('v1'));
  await rawTarball(join(site.root, 'dist', 'v1.tar.gz'), join(craft, 'v1'), ['.']);
  assert.equal((await site.cli('deploy', 'v1')).code, 0);
  assert.deepEqual(await readTree(site.live), site.source('v1'));

  await writeTree(craft, { 'evil/index.html': 'x', 'evil/site.json': '{}', 'escaped.txt': 'outside' });
  await rawTarball(join(site.root, 'dist', 'v2.tar.gz'), join(craft, 'evil'), ['index.html', 'site.json', '../escaped.txt']);
  await writeTree(craft, { 'linked/index.html': 'x', 'linked/up': '-> ../../../../..' });
  await rawTarball(join(site.root, 'dist', 'v3.tar.gz'), join(craft, 'linked'), ['index.html', 'up']);
  const before = Object.keys(await readTree(site.root)).filter((p) => !p.startsWith('.rewind/')).sort();

  const climbing = await site.cli('deploy', 'v2', '--json');
  assert.equal(climbing.code, 1, climbing.stdout + climbing.stderr);
  assert.deepEqual([climbing.json().error.code, climbing.json().error.message], ['BUILD_FAILED',
    `source tarball ${join(site.root, 'dist', 'v2.tar.gz')} would write outside its root: entry "../escaped.txt" climbs out with ".."; nothing was unpacked`]);
  const linking = await site.cli('deploy', 'v3', '--json');
  assert.equal(linking.code, 1, linking.stdout + linking.stderr);
  assert.match(linking.json().error.message, /v3\.tar\.gz would write outside its root: symlink "up" points outside the root \(-> \.\.\/\.\.\/\.\.\/\.\.\/\.\.\)/);

  const after = Object.keys(await readTree(site.root)).filter((p) => !p.startsWith('.rewind/')).sort();
  assert.deepEqual(after, before, 'no file appeared anywhere in the project, the live dir or the store');
  assert.deepEqual(await readdir(join(site.root, '.rewind', 'archive', 'production')).catch(() => []), [], 'no scratch copy left');
  assert.deepEqual(await readTree(site.live), site.source('v1'));
  assert.deepEqual(await site.served(), { http: 200, version: 'v1' });
});

test('archive: kill -9 at the switch, and between its two renames: resume leaves the dir wholly old or wholly new', async (t) => {
  const site = await makeSite(t);
  await site.config();
  for (const v of ['v1', 'v2']) assert.equal((await site.cli('deploy', v)).code, 0);
  const srv = join(site.root, 'srv');

  await t.test('a rollback killed before and after its switch step', async () => {
    for (const phase of ['before', 'after'] as const) {
      const killed = await spawnCli(site.root, ['rollback', '--apply', '--yes'], { REWIND_FAULT_KILL_AT: `rollback:1:${phase}` });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      assert.deepEqual(await readTree(site.live), site.source(phase === 'before' ? 'v2' : 'v1'), 'wholly old, or wholly new');
      const run = (await site.cli('history', '--json')).json().runs[0];
      const resumed = await site.cli('resume', run.run_id, '--json');
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.deepEqual(await readTree(site.live), site.source('v1'));
      assert.deepEqual(await site.served(), { http: 200, version: 'v1' });
      // Back to v2 for the next round, by a verified deploy.
      assert.equal((await site.cli('deploy', 'v2')).code, 0);
    }
  });

  // A kill cannot be timed between two renames a few microseconds apart: the deploy is killed as its switch starts
  // and the half-swapped state is then made by hand, as the switch makes it (v3 staged and marked, the live dir moved aside).
  const stage = async (version: string) => {
    const staged = join(`${site.live}.staging`, version);
    await mkdir(staged, { recursive: true });
    await tar.x({ file: join(site.store, `${version}.tar.gz`), cwd: staged });
    const artifact = `${join(site.store, `${version}.tar.gz`)} sha256:${await sha256File(join(site.store, `${version}.tar.gz`))}`;
    await writeFile(join(staged, '.rewind-archive.json'), JSON.stringify({ version, artifact, staged_at: new Date().toISOString() }));
  };
  for (const [name, staged] of [['v1 staged in full', true], ['nothing complete staged', false]] as const) {
    await t.test(`a deploy of v1 stopped between the renames, ${name}`, async () => {
      const killed = await spawnCli(site.root, ['deploy', 'v1', '--no-auto-rollback'], { REWIND_FAULT_KILL_AT: 'deploy:1:before' });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      if (staged) await stage('v1');
      await rm(`${site.live}.previous`, { recursive: true, force: true });
      await rename(site.live, `${site.live}.previous`);
      const status = await site.cli('status');
      assert.match(status.stdout, /srv\/site is missing and .*srv\/site\.previous is there: a swap stopped between its two renames/);
      const run = (await site.cli('history', '--json')).json().runs[0];
      assert.deepEqual([run.kind, run.status], ['deploy', 'interrupted']);
      const resumed = await site.cli('resume', run.run_id, '--json');
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      const switched = resumed.json().steps.find((s: any) => s.name === 'switch to v1').detail;
      assert.match(switched, staged ? /^finished the swap a stopped run began/ : /srv\/site holds v1 \(/);
      assert.deepEqual(await readTree(site.live), site.source('v1'), 'wholly v1');
      assert.deepEqual(await site.served(), { http: 200, version: 'v1' });
      assert.deepEqual(await readdir(srv), ['site'], 'verified: .previous and staging are gone');
      assert.equal((await site.cli('deploy', 'v2')).code, 0);
    });
  }
});

test('archive: bad input is one line with its exit code, and nothing changes', async (t) => {
  const site = await makeSite(t);
  await site.config();
  assert.equal((await site.cli('deploy', 'v1')).code, 0);

  const missingSource = await site.cli('deploy', 'v9');
  assert.equal(missingSource.code, 2, missingSource.stderr);
  assert.match(missingSource.stderr, /source directory .*src\/v9 does not exist/);

  await site.config('      path: ./srv/site\n      store: ./srv/site/backups\n      source: { dir: ./src }\n');
  const nested = await site.cli('status');
  assert.equal(nested.code, 2);
  assert.match(nested.stderr, /archive\.store .*srv\/site\/backups and archive\.path .*srv\/site must be separate directories/);

  await site.config(undefined, '    hosts: ["ssh://deploy@127.0.0.1:22"]\n');
  const remote = await site.cli('status');
  assert.equal(remote.code, 2);
  assert.match(remote.stderr, /environments\.production\.hosts: the archive driver works on this machine only: hosts must be \[local\]/);
  assert.equal(remote.stderr.trim().split('\n').length, 1, remote.stderr);
  await site.config();
  assert.deepEqual(await readTree(site.live), site.source('v1'));
});

test('archive: a store this user cannot write stops a deploy and a rollback plan in one line, and nothing changes', { skip: nobodySkipReason() }, async (t) => {
  const site = await makeSite(t);
  await site.config();
  for (const v of ['v1', 'v2']) assert.equal((await site.cli('deploy', v)).code, 0);
  // As root every dir is writable: the commands run as nobody, who owns the project but not the store.
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? { uid: 65534, gid: 65534 } : undefined;
  if (asRoot) {
    await chmod(site.root, 0o755);
    await chownAll(site.root, site.store);
  } else {
    await chmod(site.store, 0o555);
    t.after(() => chmod(site.store, 0o755));
  }
  const storeBefore = (await readdir(site.store)).sort();

  const deploy = await spawnCli(site.root, ['deploy', 'v3'], {}, user);
  assert.equal(deploy.code, 1, deploy.stdout + deploy.stderr);
  assert.match(deploy.stdout + deploy.stderr, /v3 cannot be packed: archive\.store .*backups is not writable by this user \(EACCES on .*backups\)/);
  const plan = await spawnCli(site.root, ['rollback'], {}, user);
  assert.equal(plan.code, 3, plan.stdout + plan.stderr);
  assert.match(plan.stderr.trim(), /^rewind: the live content cannot be backed up before the rollback: archive\.store .*backups is not writable by this user .*; nothing was saved$/);
  assert.deepEqual((await readdir(site.store)).sort(), storeBefore);
  assert.deepEqual(await readTree(site.live), site.source('v2'));
  assert.deepEqual(await site.served(), { http: 200, version: 'v2' });
});

/** Everything under `dir` but `except` becomes nobody's (lchown: a symlink itself, never what it points at). */
async function chownAll(dir: string, except: string): Promise<void> {
  await lchown(dir, 65534, 65534);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === except) continue;
    if (entry.isDirectory()) await chownAll(path, except);
    else await lchown(path, 65534, 65534);
  }
}
