import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { rewind } from '../helpers/cli.js';
import { startMetricsApp } from '../helpers/metricsApp.js';
import { prometheusSkipReason, startPrometheus } from '../helpers/prometheus.js';
import { GOOD, makeWorld, type World } from '../helpers/world.js';
import { startServer } from '../verify/server.js';

/**
 * `rewind verify` (issue 17, item 4): the live release checked once, now, through the real CLI,
 * against a real app under PM2 and a real Prometheus scraping a real /metrics: the health check
 * and smoke commands as deploy runs them, then one reading of every watch condition.
 */

const skipPrometheus = prometheusSkipReason();

/** rewind.yaml as the deploy left it, with `watch` (lines indented for the environment) in place of any earlier one. */
async function setWatch(world: World, original: string, watch: string): Promise<void> {
  await writeFile(world.configFile, original.replace('    hosts: [local]\n', `    hosts: [local]\n${watch}`));
}

/** Polls Prometheus until `query` answers `value`: its scrapes, not the test, decide when. */
async function untilPrometheusReads(url: string, query: string, value: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
    last = JSON.stringify(body.data?.result);
    if (body.data?.result?.[0]?.value[1] === value) return;
    await delay(200);
  }
  assert.fail(`prometheus never read ${query} = ${value}; last answer ${last}`);
}

/** The check lines of `verify`'s text: [state, what, detail] each, the columns as padded apart. */
function rows(stdout: string): string[][] {
  return stdout.split('\n').flatMap((line) => {
    const row = /^ {2}(\S+) {2,}(.+?) {2,}(.*)$/.exec(line);
    return row ? [row.slice(1)] : [];
  });
}

/** The one row of `verify`'s text that says `what` and whose detail starts with `detail`. */
function row(stdout: string, what: string, detail: string): string[] {
  const found = rows(stdout).filter((r) => r[1] === what && r[2]?.startsWith(detail));
  assert.equal(found.length, 1, `one "${what}" row starting ${JSON.stringify(detail)} in:\n${stdout}`);
  return found[0] as string[];
}

test('rewind verify against a deployed app', async (t) => {
  const world = await makeWorld(t, [GOOD('v1.0.0')]);
  const cli = (...args: string[]) => rewind(world.root, args);
  const appUrl = `http://127.0.0.1:${world.layout.port}/`;

  await t.test('nothing live: one line, exit 2, nothing checked', async () => {
    const none = await cli('verify');
    assert.equal(none.code, 2, none.stdout + none.stderr);
    assert.equal(none.stdout, '');
    assert.equal(
      none.stderr,
      'rewind: nothing to verify: the ledger has no live release of demo-shop in production ' +
        '(deploy one, or register one made elsewhere with `rewind record`)\n',
    );
  });

  const deployed = await cli('deploy', 'v1.0.0');
  assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  const sha = await world.shaOf('v1.0.0');
  const original = await readFile(world.configFile, 'utf8');

  await t.test('health and smoke, as deploy verifies: all ok, exit 0', async () => {
    const run = await cli('verify');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `verify demo-shop production: v1.0.0 (${sha.slice(0, 7)}) verified, deployed ${/deployed (\S+)$/.exec(lines[0] as string)?.[1]}`);
    assert.deepEqual(rows(run.stdout).map((r) => [r[0], r[1]]), [['ok', 'health'], ['ok', 'smoke']]);
    assert.match(row(run.stdout, 'health', 'health ')[2] as string, new RegExp(`: status 200, reports ${sha.slice(0, 7)} at "sha"`));
    assert.deepEqual(row(run.stdout, 'smoke', ''), ['ok', 'smoke', '1 smoke command passed']);
    assert.equal(lines.at(-1), 'ok (exit 0)');
    assert.equal(lines.length, 4);
  });

  await t.test('a URL answering 500 under error_rate: breached, exit 1', async (st) => {
    const failing = await startServer(st, (_n, _req, res) => res.writeHead(500).end('no'), '/');
    await setWatch(world, original, [
      '    watch:',
      '      tiers:',
      '        - tier: 3',
      '          action: record',
      `          when: [{ error_rate: { url: "${failing.url}" }, above: 0.05, for: 1m }]`,
      '',
    ].join('\n'));
    const run = await cli('verify');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(row(run.stdout, 'health', '')[0], 'ok');
    assert.deepEqual(row(run.stdout, 'tier 3 (record)', ''), [
      'BREACHED', 'tier 3 (record)', `error rate of ${failing.url} = 1 above 0.05 (holds now; for 1m not observed)`,
    ]);
    assert.match(run.stdout, /\nNOT OK \(exit 1\): 1 breached\n$/);
    assert.ok(failing.hits() >= 1, 'rewind requested the URL itself');
  });

  await t.test('watch conditions through a real Prometheus', { skip: skipPrometheus }, async (st) => {
    const metrics = await startMetricsApp(st);
    metrics.set('rewind_test_error_ratio', 0.01);
    const prometheus = await startPrometheus(st, { targets: [metrics.target] });
    const query = 'max(rewind_test_error_ratio)';
    const watchWith = (first: string) => [
      '    watch:',
      '      interval: 1s',
      `      prometheus: { url: "${prometheus.url}", timeout: 2s }`,
      '      tiers:',
      '        - tier: 1',
      '          action: rollback',
      '          when:',
      `            - { query: '${first}', above: 0.2, for: 30s }`,
      '            - { health: failing, for: 15s }',
      '        - tier: 3',
      '          action: record',
      `          when: [{ error_rate: { url: "${appUrl}" }, above: 0.05, for: 2m }]`,
      '',
    ].join('\n');
    await setWatch(world, original, watchWith(query));
    await untilPrometheusReads(prometheus.url, query, '0.01');

    const fine = await cli('verify');
    assert.equal(fine.code, 0, fine.stdout + fine.stderr);
    assert.deepEqual(rows(fine.stdout).slice(2), [
      ['ok', 'tier 1 (rollback)', `query "${query}" = 0.01, not above 0.2`],
      ['ok', 'tier 1 (rollback)', 'health check passing'],
      ['ok', 'tier 3 (record)', `error rate of ${appUrl} = 0, not above 0.05`],
    ]);
    assert.match(fine.stdout, /\nok \(exit 0\)\n$/);

    metrics.set('rewind_test_error_ratio', 0.31);
    await untilPrometheusReads(prometheus.url, query, '0.31');
    const breached = await cli('verify');
    assert.equal(breached.code, 1, breached.stdout + breached.stderr);
    assert.deepEqual(row(breached.stdout, 'tier 1 (rollback)', 'query'), [
      'BREACHED', 'tier 1 (rollback)', `query "${query}" = 0.31 above 0.2 (holds now; for 30s not observed)`,
    ]);
    assert.match(breached.stdout, /\nNOT OK \(exit 1\): 1 breached\n$/);

    const json = await cli('verify', '--json');
    assert.equal(json.code, 1);
    const doc = json.json();
    assert.deepEqual([doc.ok, doc.exit_code, doc.release.version, doc.release.sha], [false, 1, 'v1.0.0', sha]);
    assert.deepEqual(doc.checks.map((c: any) => [c.name, c.state]), [['health', 'ok'], ['smoke', 'ok']]);
    assert.deepEqual(doc.conditions.map((c: any) => [c.tier, c.action, c.state, c.value]), [
      [1, 'rollback', 'breached', 0.31],
      [1, 'rollback', 'ok', 0],
      [3, 'record', 'ok', 0],
    ]);
    assert.deepEqual(
      [doc.conditions[0].condition, doc.conditions[0].for_ms, doc.conditions[0].window_observed],
      [`query "${query}" above 0.2 for 30s`, 30_000, false],
    );

    // A query Prometheus rejects shows Prometheus's own message; an empty answer is inconclusive (no_data's default).
    await setWatch(world, original, watchWith('max(rewind_test_error_ratio').replace(
      '          when: [{ error_rate',
      "          when: [{ query: 'rewind_no_such_metric', above: 1, for: 1m }, { error_rate",
    ));
    const rejected = await cli('verify');
    assert.equal(rejected.code, 1, rejected.stdout + rejected.stderr);
    assert.deepEqual(row(rejected.stdout, 'tier 1 (rollback)', 'query'), [
      'ERROR',
      'tier 1 (rollback)',
      `query "max(rewind_test_error_ratio": prometheus ${prometheus.url}: ` +
        'rejected the query (400 bad_data): invalid parameter "query": 1:28: parse error: unclosed left parenthesis',
    ]);
    assert.deepEqual(row(rejected.stdout, 'tier 3 (record)', 'query'), [
      'INCONCLUSIVE', 'tier 3 (record)', 'query "rewind_no_such_metric" has no data (no_data: inconclusive): inconclusive',
    ]);
    assert.match(rejected.stdout, /\nNOT OK \(exit 1\): 1 error, 1 inconclusive\n$/);

    // Prometheus gone: an error, never a pass.
    await setWatch(world, original, watchWith(query));
    await prometheus.stop();
    const down = await cli('verify');
    assert.equal(down.code, 1, down.stdout + down.stderr);
    assert.deepEqual(row(down.stdout, 'tier 1 (rollback)', 'query'), [
      'ERROR', 'tier 1 (rollback)', `query "${query}": prometheus: connection refused at ${prometheus.url}`,
    ]);
    assert.deepEqual(row(down.stdout, 'tier 1 (rollback)', 'health')[0], 'ok', 'the other conditions are still read');
    assert.match(down.stdout, /\nNOT OK \(exit 1\): 1 error\n$/);
  });

  await t.test('the app down: the health check fails, smoke is skipped, `health: failing` holds now; exit 1', async () => {
    await setWatch(world, original.replace('timeout: 4s', 'timeout: 1s'), [
      '    watch:',
      '      interval: 1s',
      '      tiers: [{ tier: 1, action: rollback, when: [{ health: failing, for: 15s }] }]',
      '',
    ].join('\n'));
    await world.stopApp();
    const run = await cli('verify');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.deepEqual(rows(run.stdout), [
      ['FAILED', 'health', `connection refused at ${appUrl}health (${/\((\d+ attempts in [\d.]+s)\)/.exec(run.stdout)?.[1]})`],
      ['SKIPPED', 'smoke', 'not run: the health check failed'],
      ['BREACHED', 'tier 1 (rollback)', 'health check failing (holds now; for 15s not observed)'],
    ]);
    assert.match(run.stdout, /\nNOT OK \(exit 1\): 1 failed, 1 breached\n$/);
    const json = await cli('verify', '--json');
    assert.equal(json.code, 1);
    assert.deepEqual(json.json().checks.map((c: any) => [c.name, c.state]), [['health', 'failed'], ['smoke', 'skipped']]);
  });
});
