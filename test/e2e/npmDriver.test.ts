/** The npm driver through the CLI, against a real registry on loopback (verdaccio 6.8.0, no uplink). */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startFlakyServer } from '../helpers/flakyServer.js';
import { startOtpGate } from '../helpers/otpGate.js';
import { startVerdaccio, type Verdaccio } from '../helpers/verdaccio.js';

const PACKAGE = '@acme/widget';
const TAGS = `/-/package/${PACKAGE.replace('/', '%2f')}/dist-tags`;

async function makeNpmWorld(t: TestContext): Promise<{ registry: Verdaccio; root: string; cli: (env: NodeJS.ProcessEnv, ...args: string[]) => ReturnType<typeof rewind>; integrity: Record<string, string> }> {
  const registry = await startVerdaccio(t);
  const integrity: Record<string, string> = {};
  for (const v of ['1.0.0', '1.1.0', '1.2.0']) integrity[v] = (await registry.publish(PACKAGE, v)).integrity;
  // A release outside rewind: latest is 1.2.0 by publish; start from 1.0.0 as a team would have it.
  const root = await tempDir(t, 'rewind-npm-e2e-');
  await writeFile(join(root, 'rewind.yaml'), `app: widget
environments:
  package:
    driver: npm
    npm: { package: "${PACKAGE}", registry: "${registry.url}/", tag: latest, token_env: TEST_NPM_TOKEN, timeout: 5s }
`);
  return { registry, root, integrity, cli: (env, ...args) => rewind(root, args, { TEST_NPM_TOKEN: registry.token, ...env }) };
}

test('npm (verdaccio on loopback): deploy moves the dist-tag and records the integrity; a rollback moves it back; drift is seen', async (t) => {
  const world = await makeNpmWorld(t);
  for (const v of ['1.0.0', '1.1.0']) {
    const deployed = await world.cli({}, 'deploy', v, '--json');
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    assert.equal(deployed.json().release.artifact, `${PACKAGE}@${v} ${world.integrity[v]}`);
    assert.deepEqual((await world.registry.get(TAGS)).body, { latest: v });
  }
  const verify = (await world.cli({}, 'deploy', '1.2.0', '--json')).json();
  assert.match(verify.steps.find((s: any) => s.name === 'verify 1.2.0').detail, /^latest points at 1\.2\.0 \(sha512-/);

  const rolled = await world.cli({}, 'rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.equal(rolled.json().plan.to.version, '1.1.0');
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.1.0' });
  // What the tags were before the switch, kept for the post-mortem and linked from incident.md.
  const { readFile } = await import('node:fs/promises');
  const reportDir = join(rolled.json().files.report_md, '..');
  const before = JSON.parse(await readFile(join(reportDir, 'snapshot', 'package', 'npm-dist-tags.json'), 'utf8'));
  assert.deepEqual(before, { package: PACKAGE, 'dist-tags': { latest: '1.2.0' } });
  assert.match(await readFile(join(reportDir, 'incident.md'), 'utf8'), /- \[snapshot\/package\/npm-dist-tags\.json\]/);
  const status = (await world.cli({}, 'status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['1.1.0', '1.1.0', []]);

  // Someone runs `npm dist-tag add @acme/widget@1.0.0 latest` by hand: status says so.
  const moved = await fetch(`${world.registry.url}${TAGS}/latest`, {
    method: 'PUT', headers: { authorization: `Bearer ${world.registry.token}`, 'content-type': 'application/json' }, body: '"1.0.0"',
  });
  assert.equal(moved.status, 201);
  const drifted = await world.cli({}, 'status', '--json');
  assert.equal(drifted.code, 1);
  assert.equal(drifted.json().running.version, '1.0.0');
  assert.ok(drifted.json().drift.some((d: string) => d.includes('1.0.0') && d.includes('1.1.0')), JSON.stringify(drifted.json().drift));
  // The token never reaches the ledger, the reports or the audit log.
  const { spawnSync } = await import('node:child_process');
  const grep = spawnSync('grep', ['-rl', world.registry.token, join(world.root, '.rewind')], { encoding: 'utf8' });
  assert.deepEqual([grep.status, grep.stdout], [1, ''], 'grep finds the token nowhere under .rewind');
});

test('npm (verdaccio on loopback): a wrong token, a version that does not exist, a package that does not exist: one line, nothing moved', async (t) => {
  const world = await makeNpmWorld(t);
  assert.equal((await world.cli({}, 'deploy', '1.0.0')).code, 0);

  const refused = await world.cli({ TEST_NPM_TOKEN: 'not-the-token' }, 'deploy', '1.1.0');
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stdout + refused.stderr, /@acme\/widget on http:\/\/127\.0\.0\.1:\d+\/: moving latest to 1\.1\.0: 401: it refused the token in \$TEST_NPM_TOKEN/);
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.0.0' });

  const missing = await world.cli({}, 'deploy', '9.9.9');
  assert.equal(missing.code, 2, missing.stdout + missing.stderr);
  assert.match(missing.stdout + missing.stderr, /there is no version 9\.9\.9 to move latest to/);
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.0.0' });

  const { readFile } = await import('node:fs/promises');
  const yaml = join(world.root, 'rewind.yaml');
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(PACKAGE, '@acme/nothing'));
  const none = await world.cli({}, 'deploy', '1.0.0');
  assert.equal(none.code, 2, none.stdout + none.stderr);
  assert.match(none.stdout + none.stderr, /@acme\/nothing on .*: the registry has no such package \(reading the packument: 404\)/);

  // A registry that does not answer: one line naming it, nothing recorded as live.
  const { freePort } = await import('../../src/exec/freePort.js');
  const closed = await freePort();
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(/registry: "[^"]+"/, `registry: "http://127.0.0.1:${closed}/"`));
  const down = await world.cli({}, 'deploy', '1.1.0');
  assert.equal(down.code, 1, down.stdout + down.stderr);
  assert.match(down.stdout + down.stderr, new RegExp(`on http://127\\.0\\.0\\.1:${closed}/: the registry does not answer \\(reading the packument: ECONNREFUSED\\)`));
  const live = (await world.cli({}, 'history', '--json')).json().releases.filter((r: any) => ['live', 'verified'].includes(r.status));
  assert.deepEqual(live.map((r: any) => r.version), ['1.0.0']);
});

test('npm (verdaccio behind a loopback gate that asks for a one-time password, as npmjs.org does): --otp, its absence, --deprecate-failed', async (t) => {
  const world = await makeNpmWorld(t);
  const gate = await startOtpGate(t, world.registry.url, '123456');
  const { readFile } = await import('node:fs/promises');
  const yaml = join(world.root, 'rewind.yaml');
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(`${world.registry.url}/`, `${gate.url}/`));

  // No terminal and no --otp: the registry's question is passed on, with how to answer it; nothing moved.
  const asked = await world.cli({}, 'deploy', '1.0.0');
  assert.equal(asked.code, 2, asked.stdout + asked.stderr);
  assert.match(asked.stderr, /moving latest to 1\.0\.0: 401: it asks for a one-time password: give it with --otp, or run on a terminal/);
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.2.0' });

  const wrong = await world.cli({}, 'deploy', '1.0.0', '--otp', '000000');
  assert.equal(wrong.code, 2, wrong.stdout + wrong.stderr);
  assert.match(wrong.stderr, /401: it refused the one-time password/);

  for (const v of ['1.0.0', '1.1.0']) {
    const deployed = await world.cli({}, 'deploy', v, '--otp', '123456');
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  }
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.1.0' });

  // A driver without deprecation is refused up front; here the failed version is deprecated as its own step, after verification.
  const rolled = await world.cli({}, 'rollback', '--apply', '--yes', '--json', '--otp', '123456', '--deprecate-failed', 'broken: use 1.0.0');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  const steps = rolled.json().steps.map((s: any) => s.name);
  assert.deepEqual(steps.slice(-2), ['mark 1.1.0 rolled_back', 'deprecate 1.1.0']);
  assert.match(rolled.json().steps.at(-1).detail, /@acme\/widget@1\.1\.0 deprecated: "broken: use 1\.0\.0"/);
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.0.0' });
  const packument = (await world.registry.get(`/${PACKAGE.replace('/', '%2f')}`)).body;
  assert.equal(packument.versions['1.1.0'].deprecated, 'broken: use 1.0.0');
  assert.equal(packument.versions['1.0.0'].deprecated, undefined);
  // Every write that went through carried the code; the code itself is kept nowhere.
  assert.ok(gate.writes.some((w) => w.startsWith(`PUT /${PACKAGE.replace('/', '%2f')} otp=123456`)), gate.writes.join('\n'));
  const { spawnSync } = await import('node:child_process');
  const grep = spawnSync('grep', ['-rl', '123456', join(world.root, '.rewind')], { encoding: 'utf8' });
  assert.deepEqual([grep.status, grep.stdout], [1, '']);
  // 1.1.0 is deprecated now: deploying it again is refused before the tag moves.
  const again = await world.cli({}, 'deploy', '1.1.0', '--otp', '123456');
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout + again.stderr, /1\.1\.0 is deprecated \(broken: use 1\.0\.0\)/);
});

test('npm (verdaccio on loopback): a watch whose tier-1 condition holds moves the dist-tag back by itself', async (t) => {
  const world = await makeNpmWorld(t);
  const flaky = await startFlakyServer(t);
  const { readFile } = await import('node:fs/promises');
  const yaml = join(world.root, 'rewind.yaml');
  await writeFile(yaml, `${await readFile(yaml, 'utf8')}    watch:
      for: 30s
      interval: 200ms
      tiers:
        - { tier: 1, action: rollback, when: [{ error_rate: { url: "${flaky.url}" }, above: 0.3, for: 600ms }] }
`);
  for (const v of ['1.0.0', '1.1.0']) assert.equal((await world.cli({}, 'deploy', v)).code, 0);
  flaky.fail(1);
  const watched = await world.cli({}, 'watch', '--json');
  assert.equal(watched.code, 1, watched.stdout + watched.stderr);
  assert.equal(watched.json().outcome, 'rolled_back');
  assert.equal(watched.json().rollback.plan.to.version, '1.0.0');
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.0.0' });
  const runs = (await world.cli({}, 'history', '--json')).json().runs;
  assert.equal(runs.find((r: any) => r.kind === 'rollback').trigger, 'watch:tier1');
});

test('npm: on a terminal, a registry that asks for a one-time password gets it from a prompt that does not echo', { skip: process.platform !== 'linux' }, async (t) => {
  const world = await makeNpmWorld(t);
  const gate = await startOtpGate(t, world.registry.url, '654321');
  const { readFile } = await import('node:fs/promises');
  const yaml = join(world.root, 'rewind.yaml');
  await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(`${world.registry.url}/`, `${gate.url}/`));
  const { spawn } = await import('node:child_process');
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'rewind.js');
  // util-linux's script gives the CLI a real terminal; what the test writes is typed at its prompt.
  const child = spawn('script', ['-qec', `stty cols 160 rows 40; exec ${process.execPath} ${bin} deploy 1.0.0`, '/dev/null'], {
    cwd: world.root, env: { ...process.env, TEST_NPM_TOKEN: world.registry.token, REWIND_USER: 'tester@example.com', TERM: 'dumb' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  child.stdout.on('data', (d) => { seen += String(d); });
  const deadline = Date.now() + 20_000;
  const plain = () => seen.replace(/\x1B\[[0-9;?]*[A-Za-z]/g, '');
  while (!/one-time password/.test(plain()) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  assert.match(plain(), /moving latest to 1\.0\.0: one-time password/);
  child.stdin.write('654321\r');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, seen);
  assert.doesNotMatch(seen, /654321/, 'the code is not echoed');
  assert.deepEqual((await world.registry.get(TAGS)).body, { latest: '1.0.0' });
  assert.ok(gate.writes.some((w) => w.endsWith('otp=654321')), gate.writes.join('\n'));
});
