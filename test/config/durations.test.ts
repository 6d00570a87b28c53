import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { DURATION_BOUNDS, DURATION_MAX_KEY, DURATION_MIN_KEY, parseDuration, showDuration } from '../../src/core/configParts.js';
import { configJsonSchema, type JsonSchema } from '../../src/config/jsonSchema.js';
import { parseConfigText } from '../../src/config/parse.js';
import { configReference } from '../../src/config/reference.js';

const env = (lines: string): string =>
  `app: shop\nenvironments:\n  production:\n    driver: releases\n    releases: { path: rel, source: { dir: . } }\n${lines}`;

function refused(text: string): string {
  try {
    parseConfigText(text, 'rewind.yaml');
  } catch (error) {
    assert.ok(error instanceof RewindError && error.code === 'CONFIG_INVALID', String(error));
    return error.message;
  }
  return assert.fail('accepted, but should have been refused');
}

test('health.timeout: at most 1h, at least 100ms', () => {
  assert.equal(refused(env('    health: { url: "http://127.0.0.1:1/", timeout: 600h }\n')), 'rewind.yaml:6: environments.production.health.timeout: expected a duration of at most 1h (got "600h")');
  assert.equal(refused(env('    health: { url: "http://127.0.0.1:1/", timeout: 1ms, interval: 1ms }\n')), 'rewind.yaml:6: environments.production.health.timeout: expected a duration of at least 100ms (got "1ms") (and 1 more problem)');
  const config = parseConfigText(env('    health: { url: "http://127.0.0.1:1/", timeout: 1h }\n'), 'rewind.yaml');
  assert.equal(config.environments.production?.health?.timeout, 3_600_000);
});

test('health.interval: at least 10ms, at most 1m, and never longer than the timeout', () => {
  assert.match(refused(env('    health: { url: "http://127.0.0.1:1/", interval: 1ms }\n')), /health\.interval: expected a duration of at least 10ms \(got "1ms"\)$/);
  assert.match(refused(env('    health: { url: "http://127.0.0.1:1/", timeout: 1h, interval: 2m }\n')), /health\.interval: expected a duration of at most 1m \(got "2m"\)$/);
  assert.equal(refused(env('    health: { url: "http://127.0.0.1:1/", timeout: 1s, interval: 5s }\n')), 'rewind.yaml:6: environments.production.health.interval: expected at most timeout (1s): a pause longer than the whole check (got 5s)');
  assert.equal(parseConfigText(env('    health: { url: "http://127.0.0.1:1/", timeout: 1s, interval: 1s }\n'), 'rewind.yaml').environments.production?.health?.interval, 1000);
});

test('ssh.connect_timeout, command.timeout and sla.rollback_seconds have bounds too', () => {
  assert.match(refused(env('    ssh: { connect_timeout: 1h }\n')), /ssh\.connect_timeout: expected a duration of at most 5m \(got "1h"\)$/);
  const command = 'app: shop\nenvironments:\n  production:\n    driver: command\n    command: { activate: [["true"]], inspect: ["true"], timeout: 7h }\n';
  assert.match(refused(command), /command\.timeout: expected a duration of at most 6h \(got "7h"\)$/);
  assert.match(refused(env('    sla: { rollback_seconds: 100000 }\n')), /sla\.rollback_seconds: expected a number <= 86400 \(got 100000\)$/);
  assert.match(refused(env('    sla: { rollback_seconds: 0 }\n')), /sla\.rollback_seconds: expected a number >= 0\.001 \(got 0\)$/);
});

test('the bounds table is consistent, and every duration key in the schema carries bounds into the reference', () => {
  for (const [role, { min, max }] of Object.entries(DURATION_BOUNDS)) {
    // Only a watch condition's for ("at once") and traffic.keep_warm ("stop the old slot at once") may be 0s; any other
    // zero is a typo for a busy loop or a wait that cannot pass.
    const zeroMeans = role === 'conditionFor' || role === 'keepWarm';
    assert.ok((parseDuration(min) > 0 || zeroMeans) && parseDuration(min) < parseDuration(max), role);
  }
  const durations: string[] = [];
  const walk = (schema: JsonSchema, path: string): void => {
    if (schema.type === 'string' && schema.pattern?.includes('(ms|s|m|h)')) {
      durations.push(path);
      assert.equal(typeof schema[DURATION_MIN_KEY], 'string', `${path} has no lower bound`);
      assert.equal(typeof schema[DURATION_MAX_KEY], 'string', `${path} has no upper bound`);
    }
    for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, `${path}.${key}`);
    if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}.<name>`);
    for (const form of schema.anyOf ?? []) walk(form, path);
    if (schema.items) walk(schema.items, `${path}[]`);
  };
  walk(configJsonSchema(), '');
  assert.ok(durations.length >= 4, durations.join(', '));
  assert.match(configReference(), /^\| `environments\.<name>\.health\.timeout` \| duration \| `30s` \| .* From 100ms to 1h\. \|$/m);
});

test('showDuration writes milliseconds in the largest exact unit', () => {
  assert.deepEqual([250, 1000, 90_000, 120_000, 3_600_000, 1500].map(showDuration), ['250ms', '1s', '90s', '2m', '1h', '1500ms']);
});
