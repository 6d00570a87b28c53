import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import type { ConfigIssue } from '../../src/config/issues.js';
import { loadConfig } from '../../src/config/load.js';
import { watchConfigOf } from '../../src/config/watchConfig.js';
import type { WatchConfig } from '../../src/core/watch/measurement.js';
import { tempDir } from '../helpers/tmp.js';
import { minimal, writeConfig } from './fixtures.js';

/** An environment with `watch` (indented as the watch: section's body) on line 7 on. */
const withWatch = (watch: string): string =>
  minimal(`    driver: releases\n    releases: { path: rel, source: { dir: . } }\n    watch:\n${watch}`);

/** DESIGN.md's example, line for line: the section starts on line 7. */
const DESIGN_EXAMPLE = `      for: 10m
      interval: 10s
      prometheus: { url: http://127.0.0.1:9090, timeout: 5s }
      no_data: inconclusive
      tiers:
        - tier: 1
          action: rollback
          when:
            - { query: 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))', above: 0.20, for: 30s }
            - { health: failing, for: 15s }
        - tier: 2
          action: page
          when: [{ query: 'up == 0', above: 0.10, for: 1m }]
        - tier: 3
          action: record
          when: [{ error_rate: { url: "http://127.0.0.1:3000/" }, above: 0.05, for: 2m }]
`;

async function loaded(t: TestContext, text: string): Promise<WatchConfig | undefined> {
  const dir = await tempDir(t);
  await writeConfig(dir, text);
  const watch = (await loadConfig({ cwd: dir })).config.environments.production?.watch;
  return watch === undefined ? undefined : watchConfigOf(watch);
}

/** Load `text` and return the one-line message of the CONFIG_INVALID error it must raise. */
async function refused(t: TestContext, text: string): Promise<{ message: string; issues: ConfigIssue[] }> {
  const dir = await tempDir(t);
  await writeConfig(dir, text);
  try {
    await loadConfig({ cwd: dir });
  } catch (error) {
    assert.ok(error instanceof RewindError && error.code === 'CONFIG_INVALID', String(error));
    assert.doesNotMatch(error.message, /\n/);
    return { message: error.message, issues: error.details.issues as ConfigIssue[] };
  }
  return assert.fail('the config loaded, but should have been refused');
}

/** One tier-1 rollback tier whose when: list is `conditions` (a flow list), under `head` (the watch's other keys). */
const oneTier = (conditions: string, head = ''): string =>
  withWatch(`${head}      tiers:\n        - tier: 1\n          action: rollback\n          when: ${conditions}\n`);

test("DESIGN.md's example loads into core's WatchConfig, each condition labelled as written", async (t) => {
  const watch = await loaded(t, withWatch(DESIGN_EXAMPLE));
  assert.deepEqual(watch, {
    forMs: 600_000,
    intervalMs: 10_000,
    prometheus: { url: 'http://127.0.0.1:9090', timeoutMs: 5000 },
    noData: 'inconclusive',
    errorLimit: 4,
    tiers: [
      {
        tier: 1,
        action: 'rollback',
        when: [
          {
            source: { kind: 'query', query: 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))' },
            above: 0.2,
            forMs: 30_000,
            label: 'query "sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))" above 0.2 for 30s',
          },
          { source: { kind: 'health' }, forMs: 15_000, label: 'health check failing for 15s' },
        ],
      },
      {
        tier: 2,
        action: 'page',
        when: [{ source: { kind: 'query', query: 'up == 0' }, above: 0.1, forMs: 60_000, label: 'query "up == 0" above 0.1 for 1m' }],
      },
      {
        tier: 3,
        action: 'record',
        when: [
          {
            source: { kind: 'error_rate', url: 'http://127.0.0.1:3000/' },
            above: 0.05,
            forMs: 120_000,
            label: 'error rate of http://127.0.0.1:3000/ above 0.05 for 2m',
          },
        ],
      },
    ],
  });
});

test('the defaults: for 10m, interval 10s, no_data inconclusive, error_limit 4, prometheus timeout 5s; no watch: none', async (t) => {
  const watch = await loaded(t, oneTier('[{ query: up, below: 1, for: 0s }]', '      prometheus: { url: "http://127.0.0.1:9090" }\n'));
  assert.deepEqual(
    [watch?.forMs, watch?.intervalMs, watch?.noData, watch?.errorLimit, watch?.prometheus?.timeoutMs],
    [600_000, 10_000, 'inconclusive', 4, 5000],
  );
  assert.deepEqual(watch?.tiers[0]?.when[0], { source: { kind: 'query', query: 'up' }, below: 1, forMs: 0, label: 'query "up" below 1 for 0s' });
  assert.equal(await loaded(t, minimal()), undefined);
});

test('a multi-line query reads on one line in its label; above and below together', async (t) => {
  const text = withWatch(
    '      prometheus: { url: "http://127.0.0.1:9090" }\n      no_data: fail\n      error_limit: 2\n      tiers:\n' +
      '        - tier: 2\n          action: page\n          when:\n            - query: |\n                sum(rate(x[1m]))\n' +
      '                  / sum(rate(y[1m]))\n              above: 0.2\n              below: 0.01\n              for: 20s\n',
  );
  const watch = await loaded(t, text);
  assert.deepEqual([watch?.noData, watch?.errorLimit], ['fail', 2]);
  assert.equal(watch?.tiers[0]?.when[0]?.label, 'query "sum(rate(x[1m])) / sum(rate(y[1m]))" above 0.2 or below 0.01 for 20s');
});

test('a tier without conditions', async (t) => {
  assert.equal(
    (await refused(t, oneTier('[]'))).message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when: expected at least one condition, ' +
      'e.g. when: [{ query: "...", above: 0.2, for: 30s }] (got an empty list)',
  );
  const missing = withWatch('      tiers:\n        - tier: 1\n          action: rollback\n');
  assert.equal((await refused(t, missing)).message, 'rewind.yaml:8: environments.production.watch.tiers[0]: missing required key "when"');
  assert.equal(
    (await refused(t, withWatch('      tiers: []\n'))).message,
    'rewind.yaml:7: environments.production.watch.tiers: expected at least one tier, ' +
      'e.g. tiers: [{ tier: 1, action: rollback, when: [...] }] (got an empty list)',
  );
});

test('an unknown action, an unknown tier number', async (t) => {
  const action = withWatch('      tiers:\n        - tier: 1\n          action: alert\n          when: [{ health: failing, for: 0s }]\n');
  assert.equal(
    (await refused(t, action)).message,
    'rewind.yaml:9: environments.production.watch.tiers[0].action: expected one of: rollback, page, record (got "alert")',
  );
  const tier = withWatch('      tiers:\n        - { tier: 4, action: page, when: [{ health: failing, for: 0s }] }\n');
  assert.equal((await refused(t, tier)).message, 'rewind.yaml:8: environments.production.watch.tiers[0].tier: expected one of: 1, 2, 3 (got 4)');
});

test('the same tier twice', async (t) => {
  const text = withWatch(
    '      tiers:\n        - { tier: 2, action: page, when: [{ health: failing, for: 0s }] }\n' +
      '        - { tier: 2, action: record, when: [{ health: failing, for: 0s }] }\n',
  );
  assert.equal(
    (await refused(t, text)).message,
    'rewind.yaml:9: environments.production.watch.tiers[1].tier: tier 2 is declared twice (first at tiers[0]): put all its conditions in one when: list',
  );
});

test('a condition with no source, or with two', async (t) => {
  assert.equal(
    (await refused(t, oneTier('[{ above: 0.2, for: 30s }]'))).message,
    "rewind.yaml:10: environments.production.watch.tiers[0].when[0]: expected one source: query: '<promql>', error_rate: { url: ... } or health: failing",
  );
  assert.equal(
    (await refused(t, oneTier('\n            - health: failing\n              error_rate: { url: "http://127.0.0.1:3000/" }\n              for: 0s'))).message,
    'rewind.yaml:11: environments.production.watch.tiers[0].when[0].health: a condition reads one source, this one names error_rate and health: make it two conditions',
  );
  assert.match((await refused(t, oneTier('[{ health: failing, for: 0s, after: 1 }]'))).message, /unknown key "after" \(expected one of: query, error_rate, health, above, below, for\)$/);
  assert.match((await refused(t, oneTier('[{ health: down, for: 0s }]'))).message, /when\[0\]\.health: expected failing \(got "down"\)$/);
});

test('above and below: one is needed for a number, none for health, and together they must leave a band', async (t) => {
  const rate = (rest: string) => oneTier(`[{ error_rate: { url: "http://127.0.0.1:3000/" }, ${rest} }]`);
  assert.equal(
    (await refused(t, rate('for: 30s'))).message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when[0]: expected above: or below: (the number the error_rate value must cross), e.g. above: 0.2',
  );
  assert.equal(
    (await refused(t, oneTier('[{ health: failing, above: 0, for: 0s }]'))).message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when[0].above: a health condition holds while the check fails, and takes no above: or below: (remove it)',
  );
  assert.equal(
    (await refused(t, rate('above: 0.05, below: 0.2, for: 30s'))).message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when[0].below: expected below: less than above: (0.05): ' +
      'the condition holds above 0.05 or below 0.2, which is every value (got 0.2)',
  );
  assert.equal(
    (await refused(t, rate('above: 5, for: 30s'))).message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when[0].above: expected a fraction from 0 to 1 (an error rate of 5% is 0.05) (got 5)',
  );
  assert.match((await refused(t, rate('above: high, for: 30s'))).message, /when\[0\]\.above: expected a number \(got "high"\)$/);
});

test('a query condition with no prometheus to send it to', async (t) => {
  const { message, issues } = await refused(t, oneTier('[{ query: up, below: 1, for: 30s }]'));
  assert.equal(
    message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when[0].query: ' +
      'a query: condition needs watch.prometheus (e.g. prometheus: { url: http://127.0.0.1:9090 }) to send it to',
  );
  assert.equal(issues.length, 1);
  assert.match((await refused(t, oneTier('[{ health: failing, for: 0s }]', '      prometheus: { url: "ftp://x/" }\n'))).message, /watch\.prometheus\.url: expected an http:\/\/ or https:\/\/ URL/);
});

test("a condition's for shorter than the interval (0s excepted), and an interval longer than the watch", async (t) => {
  const { message } = await refused(t, oneTier('[{ health: failing, for: 5s }]'));
  assert.equal(
    message,
    'rewind.yaml:10: environments.production.watch.tiers[0].when[0].for: expected 0s (at once) or at least interval (10s): ' +
      'with a reading every 10s, a 5s window is never seen whole (got 5s)',
  );
  assert.equal((await loaded(t, oneTier('[{ health: failing, for: 10s }]')))?.tiers[0]?.when[0]?.forMs, 10_000);
  assert.equal(
    (await refused(t, oneTier('[{ health: failing, for: 0s }]', '      for: 5s\n      interval: 10s\n'))).message,
    'rewind.yaml:8: environments.production.watch.interval: expected at most for (5s): ' +
      'a watch shorter than one interval reads each condition once at most (got 10s)',
  );
});

test('the duration bounds: watch for at most 24h, interval 100ms to 10m, a condition at most 1h, prometheus timeout at most 1m', async (t) => {
  const health = '[{ health: failing, for: 0s }]';
  assert.match((await refused(t, oneTier(health, '      for: 25h\n'))).message, /watch\.for: expected a duration of at most 24h \(got "25h"\)$/);
  assert.match((await refused(t, oneTier(health, '      interval: 50ms\n'))).message, /watch\.interval: expected a duration of at least 100ms \(got "50ms"\)$/);
  assert.match((await refused(t, oneTier(health, '      interval: 11m\n      for: 1h\n'))).message, /watch\.interval: expected a duration of at most 10m \(got "11m"\)$/);
  assert.match((await refused(t, oneTier('[{ health: failing, for: 2h }]'))).message, /when\[0\]\.for: expected a duration of at most 1h \(got "2h"\)$/);
  const prometheus = '      prometheus: { url: "http://127.0.0.1:9090", timeout: 2m }\n';
  assert.match((await refused(t, oneTier(health, prometheus))).message, /watch\.prometheus\.timeout: expected a duration of at most 1m \(got "2m"\)$/);
  assert.match((await refused(t, oneTier('[{ health: failing, for: soon }]'))).message, /when\[0\]\.for: expected a duration such as "250ms", "30s" or "5m" \(got "soon"\)$/);
  assert.match((await refused(t, oneTier(health, '      error_limit: 0\n'))).message, /watch\.error_limit: expected a number >= 1 \(got 0\)$/);
});
