/**
 * `rewind watch` through the real CLI on the releases driver: a sample app
 * under a real PM2, conditions read from a real HTTP server (error_rate) and
 * a real Prometheus (query), tier 1 rolling back by itself, tier 2 waiting
 * for a human, tier 3 only recorded, a flapping signal that never holds,
 * monitoring that is down, and a watch killed with SIGKILL and resumed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/exec/freePort.js';
import { rewind } from '../helpers/cli.js';
import { startFlakyServer } from '../helpers/flakyServer.js';
import { startMetricsApp } from '../helpers/metricsApp.js';
import { prometheusSkipReason, startPrometheus } from '../helpers/prometheus.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { GOOD, makeWorld, type World } from '../helpers/world.js';

function watchSection(lines: string[]): string {
  return ['watch:', ...lines.map((l) => `  ${l}`)].map((l) => `    ${l}`).join('\n');
}

/** Replace the environment's watch: section (it is the last thing configure added). */
async function setWatch(world: World, lines: string[]): Promise<void> {
  const { readFile, writeFile } = await import('node:fs/promises');
  const text = await readFile(world.configFile, 'utf8');
  const without = text.replace(/ {4}watch:\n( {6}.*\n)*/, '');
  await writeFile(world.configFile, without.replace('    hosts: [local]\n', `    hosts: [local]\n${watchSection(lines)}\n`));
}

async function deployed(world: World, ...versions: string[]): Promise<void> {
  for (const v of versions) {
    const run = await rewind(world.root, ['deploy', v]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
  }
}

test('watch, tier 1 (error_rate): the error rate climbs after the deploy passed, and the watch rolls back to the last known good by itself',
  async (t) => {
    const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
    const flaky = await startFlakyServer(t);
    await setWatch(world, ['for: 60s', 'interval: 200ms', 'tiers:', '  - tier: 1', '    action: rollback', '    when:',
      `      - { error_rate: { url: "${flaky.url}" }, above: 0.3, for: 600ms }`]);
    await deployed(world, 'v1', 'v2');

    const watching = spawnCli(world.root, ['watch', '--json']);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    flaky.fail(0.5);
    const watched = await watching;
    assert.equal(watched.code, 1, watched.stdout + watched.stderr);
    const doc = JSON.parse(watched.stdout);
    assert.equal(doc.outcome, 'rolled_back');
    assert.equal(doc.decision.tier, 1);
    assert.match(doc.decision.reason, /^error rate of http:\/\/127\.0\.0\.1:\d+\/ = 0\.\d+ above 0\.3 for 600ms \(held/);
    assert.equal(doc.error.code, 'WATCH_ROLLED_BACK');
    assert.equal(doc.rollback.ok, true);
    assert.equal(doc.rollback.plan.to.version, 'v1');
    // Every tick's verdict is kept, compactly: green first, then the breach.
    assert.equal(doc.segments[0].state, 'ok');
    assert.ok(doc.segments[0].ticks >= 3, JSON.stringify(doc.segments));
    assert.equal(await world.current(), 'releases/v1');
    assert.equal((await world.served())?.version, 'v1');

    const history = (await rewind(world.root, ['history', '--json'])).json();
    const rollback = history.runs.find((r: any) => r.kind === 'rollback');
    assert.equal(rollback.trigger, 'watch:tier1');
    assert.match(rollback.reason, /^watch tier 1: error rate of/);
    const watch = history.runs.find((r: any) => r.kind === 'watch');
    assert.equal(watch.status, 'failed');
    assert.match(watch.error, /rolled back to v1/);
    assert.equal(history.releases.find((r: any) => r.version === 'v2').status, 'rolled_back');
  });

test('watch, tier 2 waits for a human (a rollback or a dismissal), tier 3 only records, a flapping signal never holds, a dead probe is an error',
  async (t) => {
    const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), GOOD('v3')]);
    const flaky = await startFlakyServer(t);
    const cli = (...args: string[]) => rewind(world.root, args);
    const page = ['for: 30s', 'interval: 200ms', 'tiers:', '  - tier: 2', '    action: page', '    when:',
      `      - { error_rate: { url: "${flaky.url}" }, above: 0.3, for: 400ms }`];
    await setWatch(world, page);
    await deployed(world, 'v1', 'v2');

    flaky.fail(1);
    const paged = await cli('watch', '--json');
    assert.equal(paged.code, 3, paged.stdout + paged.stderr);
    const doc = paged.json();
    assert.equal(doc.outcome, 'escalated');
    assert.equal(doc.error.code, 'WATCH_ESCALATED');
    assert.match(doc.error.message, /tier 2 breached on v2: error rate of .* = 1 above 0\.3 .*roll back with `rewind rollback --apply`/);
    assert.equal(await world.current(), 'releases/v2');
    // While the watch waits, nothing else is deployed; the decision it waits for is named.
    const blocked = await cli('deploy', 'v3');
    assert.equal(blocked.code, 3);
    assert.match(blocked.stderr, new RegExp(`held by watch ${doc.run_id}: tier 2 breached`));
    // The operator decides to roll back: the watch is settled by it.
    const rolled = await cli('rollback', '--apply', '--yes');
    assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
    assert.equal(await world.current(), 'releases/v1');
    const afterRollback = (await cli('history', '--json')).json().runs.find((r: any) => r.run_id === doc.run_id);
    assert.equal(afterRollback.status, 'failed');
    assert.match(afterRollback.error, /rolled back by rollback-/);

    // Another breach, dismissed this time: the release stays and the environment is free again.
    await deployed(world, 'v3');
    const again = await cli('watch', '--json');
    assert.equal(again.code, 3);
    const noReason = await cli('watch', '--dismiss', again.json().run_id);
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /--dismiss needs --reason/);
    const dismissed = await cli('watch', '--dismiss', again.json().run_id, '--reason', 'a known blip of the load balancer');
    assert.equal(dismissed.code, 0, dismissed.stderr);
    const settled = (await cli('history', '--json')).json().runs.find((r: any) => r.run_id === again.json().run_id);
    assert.equal(settled.status, 'cancelled');
    assert.match(settled.error, /dismissed by tester@example\.com: a known blip/);
    assert.equal(await world.current(), 'releases/v3');

    // Tier 3: recorded once, and watching goes on to the end of the window (exit 0).
    await setWatch(world, ['for: 2s', 'interval: 200ms', 'tiers:', '  - tier: 3', '    action: record', '    when:',
      `      - { error_rate: { url: "${flaky.url}" }, above: 0.3, for: 400ms }`]);
    const recorded = await cli('watch', '--json');
    assert.equal(recorded.code, 0, recorded.stdout + recorded.stderr);
    assert.equal(recorded.json().outcome, 'passed');
    assert.deepEqual(recorded.json().recorded, [`error rate of ${flaky.url} above 0.3 for 400ms`]);
    assert.ok(recorded.json().segments.some((s: any) => s.state === 'breached' && s.tier === 3));

    // A signal that flaps faster than the window never holds for it: no rollback.
    flaky.flap(250);
    await setWatch(world, ['for: 3s', 'interval: 100ms', 'tiers:', '  - tier: 1', '    action: rollback', '    when:',
      `      - { error_rate: { url: "${flaky.url}" }, above: 0.3, for: 1s }`]);
    const flapping = await cli('watch', '--json');
    assert.equal(flapping.code, 0, flapping.stdout + flapping.stderr);
    assert.equal(flapping.json().decision, null);
    assert.equal(await world.current(), 'releases/v3');

    // Monitoring that does not answer is an error, never a pass: after error_limit errors the tier acts.
    const closed = await freePort();
    await setWatch(world, ['for: 30s', 'interval: 100ms', 'error_limit: 3', `prometheus: { url: "http://127.0.0.1:${closed}/", timeout: 500ms }`,
      'tiers:', '  - tier: 2', '    action: page', '    when:', "      - { query: 'sum(rate(http_errors_total[1m]))', above: 1, for: 1s }"]);
    const dead = await cli('watch', '--json');
    assert.equal(dead.code, 3, dead.stdout + dead.stderr);
    assert.match(dead.json().decision.reason, new RegExp(`3 probe errors in a row \\(error_limit 3\\): .*connection refused at http://127\\.0\\.0\\.1:${closed}`));
    assert.equal(dead.json().segments.at(-1).state, 'error');
    assert.equal((await cli('watch', '--dismiss', dead.json().run_id, '--reason', 'prometheus is down, not the app')).code, 0);
  });

test('watch: killed with SIGKILL, it holds the environment; resumed, it watches to the end of its window', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  const flaky = await startFlakyServer(t);
  await setWatch(world, ['for: 5s', 'interval: 200ms', 'tiers:', '  - tier: 1', '    action: rollback', '    when:',
    `      - { error_rate: { url: "${flaky.url}" }, above: 0.3, for: 600ms }`]);
  await deployed(world, 'v1', 'v2');
  const bin = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), bin, 'watch'], {
    cwd: world.root, env: { ...process.env, REWIND_USER: 'tester@example.com' }, stdio: 'ignore',
  });
  // Killed once it watches (a loaded machine may take seconds to start it), a second into its window.
  const until = Date.now() + 20_000;
  const watching = async () => (await rewind(world.root, ['history', '--json'])).json().runs.some((r: any) => r.kind === 'watch');
  while (!(await watching()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('close', resolve));
  const runs = (await rewind(world.root, ['history', '--json'])).json().runs;
  const watch = runs.find((r: any) => r.kind === 'watch');
  assert.equal(watch.status, 'interrupted');
  const blocked = await rewind(world.root, ['deploy', 'v1']);
  assert.equal(blocked.code, 3);
  assert.match(blocked.stderr, new RegExp(`interrupted watch ${watch.run_id} of v2`));

  const resumed = await rewind(world.root, ['resume', watch.run_id, '--json']);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(resumed.json().outcome, 'passed');
  // The ticks before the kill are kept; the watch ended at the end of its first window, not five seconds after the resume.
  assert.ok(Date.parse(resumed.json().segments.at(-1).to) - Date.parse(resumed.json().started_at) < 6500);
  assert.equal((await rewind(world.root, ['history', '--json'])).json().runs.find((r: any) => r.run_id === watch.run_id).status, 'succeeded');
});

test('watch, tier 1 on a Prometheus query; an empty vector is inconclusive, never a pass', { skip: prometheusSkipReason() }, async (t) => {
  const metrics = await startMetricsApp(t);
  metrics.set('app_error_ratio', 0);
  const prometheus = await startPrometheus(t, { targets: [metrics.target] });
  // The first scrape takes a few seconds to appear: wait for it before watching.
  for (const deadline = Date.now() + 20_000; ;) {
    const answer = await (await fetch(`${prometheus.url}/api/v1/query?query=app_error_ratio`)).json() as any;
    if (answer.data?.result?.length > 0) break;
    assert.ok(Date.now() < deadline, 'prometheus never scraped the metrics app');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2')]);
  const tier1 = (query: string) => ['for: 30s', 'interval: 250ms', `prometheus: { url: "${prometheus.url}", timeout: 2s }`, 'tiers:',
    '  - tier: 1', '    action: rollback', '    when:', `      - { query: '${query}', above: 0.2, for: 1s }`];
  await deployed(world, 'v1', 'v2');

  // A query Prometheus rejects is a configuration error at its line, with Prometheus's message; nothing is watched or written.
  await setWatch(world, tier1('sum(rate(x[1m]'));
  const runsBefore = (await rewind(world.root, ['history', '--json'])).json().runs.length;
  const rejected = await rewind(world.root, ['watch']);
  assert.equal(rejected.code, 2, rejected.stdout + rejected.stderr);
  assert.match(rejected.stderr, /^rewind: rewind\.yaml:\d+: environments\.production\.watch\.tiers\[0\]\.when\[0\]\.query: Prometheus rejects it: .*bad_data/);
  assert.equal((await rewind(world.root, ['history', '--json'])).json().runs.length, runsBefore);

  await setWatch(world, tier1('no_such_metric_total').map((l) => l.replace('for: 30s', 'for: 2s')));
  const empty = await rewind(world.root, ['watch', '--json']);
  assert.equal(empty.code, 0, empty.stdout + empty.stderr);
  assert.deepEqual(empty.json().segments.map((s: any) => s.state), ['inconclusive']);
  assert.equal(await world.current(), 'releases/v2');

  await setWatch(world, tier1('app_error_ratio'));
  const watching = rewind(world.root, ['watch', '--json']);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  metrics.set('app_error_ratio', 0.5);
  const watched = await watching;
  assert.equal(watched.code, 1, watched.stdout + watched.stderr);
  assert.match(watched.json().decision.reason, /^query "app_error_ratio" = 0\.5 above 0\.2 for 1s/);
  assert.equal(watched.json().rollback.plan.to.version, 'v1');
  assert.equal((await world.served())?.version, 'v1');
});
