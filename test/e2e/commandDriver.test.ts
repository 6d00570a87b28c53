import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { freePort } from '../../src/exec/freePort.js';
import { SCRIPTS, parseLog } from '../drivers/command/helpers.js';
import { rewind } from '../helpers/cli.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { sshdSkipReason, startSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A real HTTP app whose health endpoint reports the version `current` points
 * at (it reads current/app.json on every request, so a switch needs no
 * reload); a broken version answers 503. The unit tests' shell scripts
 * fetch, check, switch and inspect it; rewind drives them through the CLI.
 */
const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
http.createServer((req, res) => {
  let app = null;
  try { app = JSON.parse(fs.readFileSync(path.join(__dirname, 'current', 'app.json'), 'utf8')); } catch {}
  res.setHeader('content-type', 'application/json');
  if (app === null) { res.statusCode = 503; res.end('{"status":"nothing deployed"}'); return; }
  res.statusCode = app.broken ? 503 : 200;
  res.end(JSON.stringify({ status: app.broken ? 'broken' : 'ok', version: app.version }));
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
`;

interface CommandApp {
  root: string;
  log: string;
  port: number;
  cli: (...args: string[]) => ReturnType<typeof rewind>;
  served: () => Promise<{ http: number; version?: string } | null>;
  current: () => Promise<string | undefined>;
  /** Scripts run since the last call: [script, args]. */
  ran: () => Promise<Array<[string, string]>>;
  logged: () => Promise<ReturnType<typeof parseLog>[]>;
  config: (environment: string) => Promise<void>;
}

async function makeCommandApp(t: TestContext, versions: Record<string, { broken: boolean }>): Promise<CommandApp> {
  let server: ChildProcess | undefined;
  const root = await tempDir(t, 'rewind-command-e2e-', async () => {
    // Only the app this test started, by its own handle.
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    }
  });
  for (const [file, text] of Object.entries({ ...SCRIPTS, 'server.js': SERVER })) {
    await writeFile(join(root, file), text);
    await chmod(join(root, file), 0o755);
  }
  for (const [version, { broken }] of Object.entries(versions)) {
    await mkdir(join(root, 'store', version), { recursive: true });
    await writeFile(join(root, 'store', version, 'app.txt'), `app ${version}\n`);
    await writeFile(join(root, 'store', version, 'app.json'), JSON.stringify({ version, broken }));
  }
  const log = join(root, 'log.txt');
  await writeFile(log, '');
  const port = await freePort();
  server = spawn(process.execPath, [join(root, 'server.js'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    server?.stdout?.once('data', () => resolve());
    server?.once('exit', (code) => reject(new Error(`the app exited ${code} before listening`)));
  });
  let seen = 0;
  const lines = async () => (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
  const app: CommandApp = {
    root, log, port,
    cli: (...args) => rewind(root, args),
    served: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        const body = (await response.json()) as { version?: string };
        return { http: response.status, version: body.version };
      } catch {
        return null;
      }
    },
    current: () => readlink(join(root, 'current')).catch(() => undefined),
    logged: async () => {
      const all = await lines();
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh.map(parseLog);
    },
    ran: async () => (await app.logged()).map((l) => [l.script, l.args]),
    config: (environment) => writeFile(join(root, 'rewind.yaml'), `app: cmdapp
environments:
  production:
${environment}    env: { LOG: ${JSON.stringify(log)} }
    health: { url: "http://127.0.0.1:${port}/health", expect_version: version, timeout: 1s, interval: 100ms, successes: 1 }
`),
  };
  return app;
}

const COMMANDS = `      prepare: [["./fetch.sh", "{version}"]]
      present: ["./has-version.sh", "{version}"]
      activate: [["./switch.sh", "{version}"]]
      inspect: ["./live-version.sh"]
      timeout: 30s
`;

test('the command driver through the CLI: deploys, a broken deploy rolled back by itself, a drill, a rollback', async (t) => {
  const app = await makeCommandApp(t, { v1: { broken: false }, v2: { broken: false }, v3: { broken: true } });
  await app.config(`    driver: command\n    command:\n${COMMANDS}`);

  const first = await app.cli('deploy', 'v1', '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.deepEqual(first.json().steps.map((s: any) => [s.name, s.detail]).slice(0, 1), [['make release v1', 'made v1 by `./fetch.sh v1`']]);
  assert.deepEqual(await app.served(), { http: 200, version: 'v1' });
  const switched = (await app.logged()).find((l) => l.script === 'switch.sh');
  // The scripts see the variables every command rewind starts sees; {release_dir} is the cwd.
  assert.deepEqual([switched?.args, switched?.cwd, switched?.vars.VERSION, switched?.vars.ENV, switched?.vars.RELEASE_DIR], ['v1', app.root, 'v1', 'production', app.root]);
  // The run reaches them too: its id, who asked, and what was live before (nothing, for a first deploy).
  assert.deepEqual([switched?.vars.RUN_ID, switched?.vars.USER, switched?.vars.PREVIOUS], [first.json().run_id, 'tester@example.com', '']);

  assert.equal((await app.cli('deploy', 'v2')).code, 0);
  assert.deepEqual(await app.served(), { http: 200, version: 'v2' });
  const status = (await app.cli('status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['v2', 'v2', []]);

  // v3 answers 503: verification fails, rewind switches back to v2 with the same scripts and verifies it.
  await app.ran();
  const broken = await app.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  const doc = broken.json();
  assert.match(doc.error.message, /v3 failed verification/);
  assert.equal(doc.rollback.ok, true);
  assert.deepEqual([doc.rollback.to_version, doc.rollback.live_after], ['v2', 'v2']);
  assert.deepEqual(await app.served(), { http: 200, version: 'v2' });
  assert.equal(await app.current(), 'releases/v2');
  assert.deepEqual((await app.ran()).filter(([s]) => s === 'switch.sh'), [['switch.sh', 'v3'], ['switch.sh', 'v2']]);

  // A drill reads (inspect, present, the health endpoint) and changes nothing.
  const drill = await app.cli('drill', '--json');
  assert.equal(drill.code, 0, drill.stdout + drill.stderr);
  const drilled = drill.json();
  assert.equal(drilled.plan.to.version, 'v1');
  assert.ok(drilled.steps.every((s: any) => s.ok), JSON.stringify(drilled.steps));
  assert.match(drilled.steps.find((s: any) => s.name.startsWith('switch to v1')).detail, /\(now v2\)/);
  assert.deepEqual((await app.ran()).filter(([s]) => s !== 'live-version.sh' && s !== 'has-version.sh'), [], 'only inspect and present ran');
  assert.equal(await app.current(), 'releases/v2');
  assert.match(await readFile(drilled.drill_log, 'utf8'), /v2 -> v1: PASS/);

  const rolled = await app.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.deepEqual(rolled.json().steps.map((s: any) => [s.name, s.ok]), [['check v1 is present', true], ['switch to v1', true], ['verify v1', true], ['mark v2 rolled_back', true]]);
  assert.equal(rolled.json().steps[0].detail, 'v1 is present and intact');
  assert.deepEqual(await app.served(), { http: 200, version: 'v1' });
  assert.deepEqual((await app.ran()).filter(([s]) => s === 'switch.sh' || s === 'fetch.sh'), [['switch.sh', 'v1']], 'v1 was present: nothing fetched');
  const history = (await app.cli('history', '--json')).json();
  // No commit is known to this driver: the artifact says what made each release.
  assert.deepEqual(history.releases.map((r: any) => [r.version, r.status, r.sha, r.artifact]), [
    ['v3', 'rolled_back', null, 'v3 by `./fetch.sh v3`'],
    ['v2', 'rolled_back', null, 'v2 by `./fetch.sh v2`'],
    ['v1', 'verified', null, 'v1 by `./fetch.sh v1`'],
  ]);
});

test('the command driver: a rollback killed with SIGKILL before and after its switch is resumed to a verified release', async (t) => {
  const app = await makeCommandApp(t, { v1: { broken: false }, v2: { broken: false }, v3: { broken: true } });
  await app.config(`    driver: command\n    command:\n${COMMANDS}`);
  for (const v of ['v1', 'v2']) assert.equal((await app.cli('deploy', v)).code, 0);

  // Step 1 is the switch: killed before it, nothing has changed; killed after it, the target is on v2 already.
  for (const [phase, currentAfterKill] of [['before', 'releases/v3'], ['after', 'releases/v2']] as const) {
    await t.test(`killed ${phase} the switch`, async () => {
      assert.equal((await app.cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
      assert.equal(await app.current(), 'releases/v3');
      const killed = await spawnCli(app.root, ['rollback', '--apply', '--yes'], { REWIND_FAULT_KILL_AT: `rollback:1:${phase}` });
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      assert.equal(await app.current(), currentAfterKill);
      const interrupted = (await app.cli('history', '--json')).json().runs[0];
      assert.deepEqual([interrupted.kind, interrupted.status], ['rollback', 'interrupted']);

      await app.ran();
      const resumed = await app.cli('resume', interrupted.run_id, '--json');
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.ok(resumed.json().steps.every((s: any) => s.ok));
      assert.deepEqual(await app.served(), { http: 200, version: 'v2' });
      assert.equal(await app.current(), 'releases/v2');
      // The resumed run switches again only when the journal does not show the switch done.
      const switches = (await app.ran()).filter(([s]) => s === 'switch.sh');
      assert.deepEqual(switches, phase === 'before' ? [['switch.sh', 'v2']] : []);
      const status = (await app.cli('status', '--json')).json();
      assert.deepEqual([status.live.version, status.running.version], ['v2', 'v2']);
    });
  }
});

test('the command driver: a failing switch or prepare script fails its step in one line and nothing switches', async (t) => {
  const app = await makeCommandApp(t, { v1: { broken: false }, v2: { broken: false } });
  await writeFile(join(app.root, 'picky-switch.sh'), `#!/bin/sh\n[ "$1" = v2 ] && { echo "switching to $1..."; echo "cannot take the lock on /srv/app" >&2; exit 9; }\nexec ./switch.sh "$@"\n`);
  await chmod(join(app.root, 'picky-switch.sh'), 0o755);
  await app.config(`    driver: command\n    command:\n${COMMANDS.replace('./switch.sh', './picky-switch.sh')}`);
  assert.equal((await app.cli('deploy', 'v1')).code, 0);
  const failed = await app.cli('deploy', 'v2', '--json');
  assert.equal(failed.code, 1);
  assert.equal(failed.json().error.code, 'STEP_FAILED');
  assert.equal(failed.json().error.message, 'activate `./picky-switch.sh v2` exited 9: cannot take the lock on /srv/app');
  assert.deepEqual(await app.served(), { http: 200, version: 'v1' });

  const badPrepare = await app.cli('deploy', 'v9', '--json');
  assert.equal(badPrepare.code, 1);
  assert.deepEqual([badPrepare.json().error.code, badPrepare.json().error.message], ['BUILD_FAILED', 'prepare `./fetch.sh v9` exited 3: no such version in the store: v9']);
  assert.deepEqual(await app.served(), { http: 200, version: 'v1' });

  const unsafe = await app.cli('deploy', 'v1;rm');
  assert.equal(unsafe.code, 2);
  assert.match(unsafe.stderr, /version "v1;rm" is not a safe name/);
});

test('the command driver over SSH: the scripts run on the host, with their variables; a relative cwd is refused first', { skip: sshdSkipReason() }, async (t) => {
  const app = await makeCommandApp(t, { v1: { broken: false }, v2: { broken: false }, v3: { broken: true } });
  const sshd = await startSshd(t);
  const ssh = `    hosts: [${sshd.url}]\n    ssh: { identity_file: ${JSON.stringify(sshd.identityFile)}, known_hosts: ${JSON.stringify(sshd.knownHostsFile)} }\n`;

  await app.config(`    driver: command\n${ssh}    command:\n${COMMANDS}`);
  const noCwd = await app.cli('status');
  assert.equal(noCwd.code, 2, noCwd.stdout + noCwd.stderr);
  assert.match(noCwd.stderr, /command\.cwd must be set to an absolute path for remote hosts/);
  assert.equal(await sshd.acceptedLogins(), 0, 'refused before connecting');

  await app.config(`    driver: command\n${ssh}    command:\n${COMMANDS}      cwd: ${JSON.stringify(app.root)}\n`);
  for (const v of ['v1', 'v2']) {
    const deployed = await app.cli('deploy', v);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    assert.deepEqual(await app.served(), { http: 200, version: v });
  }
  const switched = (await app.logged()).filter((l) => l.script === 'switch.sh').map((l) => [l.args, l.cwd, l.vars.VERSION, l.vars.ENV]);
  assert.deepEqual(switched, [['v1', app.root, 'v1', 'production'], ['v2', app.root, 'v2', 'production']]);

  const broken = await app.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.equal(broken.json().rollback.ok, true);
  assert.deepEqual(await app.served(), { http: 200, version: 'v2' });
  const status = (await app.cli('status', '--json')).json();
  assert.deepEqual([status.hosts[0].host, status.hosts[0].version], [sshd.url.replace('ssh://', ''), 'v2']);
});

test('diagnostics run before a rollback switches, under one bound; a slow one is cut and noted, never fails it; incident.md links them', async (t) => {
  const app = await makeCommandApp(t, { v1: { broken: false }, v2: { broken: false } });
  await app.config(`    driver: command\n    command:\n${COMMANDS}    diagnostics: [["sh", "-c", "echo current is $(cat current/app.txt); echo oops >&2"], ["sleep", "20"]]\n    diagnostics_timeout: 400ms\n`);
  for (const v of ['v1', 'v2']) assert.equal((await app.cli('deploy', v)).code, 0);
  const started = Date.now();
  const rolled = await app.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.ok(Date.now() - started < 5000, 'the slow diagnostic did not hold the rollback up');
  const doc = rolled.json();
  assert.deepEqual(doc.steps.map((s: any) => s.name)[0], 'capture diagnostics of v2');
  assert.match(doc.steps[0].detail, /^2 of 2 captured in \d+ ms under diagnostics\/; diagnostics\/local\/2\.txt: cut at 400 ms$/);
  const dir = join(doc.files.report_md, '..');
  assert.match(await readFile(join(dir, 'diagnostics', 'local', '1.txt'), 'utf8'), /^\$ sh -c .*\n# on local: ok, \d+ ms\ncurrent is app v2\n\n# stderr\noops\n$/);
  assert.match(await readFile(join(dir, 'diagnostics', 'local', '2.txt'), 'utf8'), /# on local: cut at 400 ms/);
  const incident = await readFile(join(dir, 'incident.md'), 'utf8');
  assert.match(incident, /## Captured before the switch\n\n- \[diagnostics\/local\/1\.txt\]\(diagnostics\/local\/1\.txt\)\n- \[diagnostics\/local\/2\.txt\]\(diagnostics\/local\/2\.txt\)/);
  assert.deepEqual(await app.served(), { http: 200, version: 'v1' });
});
