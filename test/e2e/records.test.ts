import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

interface Received {
  path: string;
  body: any;
}

/** An HTTP receiver on loopback that answers every request with `status`. */
async function receiver(t: TestContext, status: number): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk) => { text += String(chunk); });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.statusCode = status;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

test('a real rollback leaves every report, notifies the receivers, logs an SLA breach and leaks no secret', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  const hook = await receiver(t, 200);
  const slack = await receiver(t, 500);
  const secret = 'T0KEN-s3cr3t-path-9f8e7d';
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  await world.configure([
    '    sla: { rollback_seconds: 0.05 }',
    '    notify:',
    `      - { type: webhook, url: "${hook.url}/hooks/${secret}" }`,
    `      - { type: slack, url: "${slack.url}/services/${secret}", events: [rollback.succeeded] }`,
  ].join('\n'));
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);

  const applied = await cli('rollback', '--apply', '--yes', '--reason', 'checkout, returns 503', '--json');
  assert.equal(applied.code, 0, applied.stderr);
  const doc = applied.json();
  const files = doc.files;
  const runId = doc.run_id;

  // Who was told what: the webhook got every event; the failing Slack receiver did not fail the rollback.
  assert.deepEqual(hook.received.map((r) => r.body.event), ['deploy.failed', 'rollback.started', 'rollback.succeeded', 'sla.breached']);
  assert.ok(hook.received.every((r) => r.path === `/hooks/${secret}`));
  assert.equal(hook.received[2]?.body.run_id, runId);
  assert.equal(hook.received[2]?.body.to_version, 'v2');
  assert.equal(slack.received.length, 3, 'three attempts at the failing receiver');
  assert.match(slack.received[0]?.body.text, /v3.*v2/s);
  assert.deepEqual(doc.notifications.map((n: any) => [n.event, n.ok]), [['rollback.started', true], ['rollback.succeeded', true], ['rollback.succeeded', false], ['sla.breached', true]]);

  const summary = JSON.parse(await readFile(files.summary_json, 'utf8'));
  assert.deepEqual(
    [summary.workflow, summary.run_id, summary.status, summary.reason, summary.from_version, summary.to_version, summary.trigger, summary.requested_by, summary.approved_by, summary.sla_s, summary.sla_breached],
    ['rewind_rollback', runId, 'success', 'checkout, returns 503', 'v3', 'v2', 'manual', 'tester@example.com', null, 0.05, true],
  );
  assert.equal(typeof summary.duration_s, 'number');
  assert.ok(summary.duration_s > 0.05);

  const report = await readFile(files.report_md, 'utf8');
  for (const step of ['check v2 is present', 'switch to v2', 'reload the app', 'verify v2', 'mark v3 rolled_back']) assert.match(report, new RegExp(step));
  assert.match(report, /BREACHED/);
  assert.match(report, /slack/i);
  const incident = await readFile(files.incident_md, 'utf8');
  assert.match(incident, /SEV2/);
  assert.match(incident, /## Timeline[\s\S]*\d\d:\d\d:\d\d[\s\S]*switch to v2[\s\S]*verify v2/);
  assert.match(incident, /To be filled during post-mortem/);

  const today = summary.started_at.slice(0, 10);
  assert.equal(files.deploy_log, join(world.root, '.rewind', 'reports', 'deploys', `${today}-rollback-v3-to-v2.md`));
  assert.match(await readFile(files.deploy_log, 'utf8'), /v3.*v2/);

  const trend = (await readFile(files.trend_csv, 'utf8')).trim().split('\n');
  assert.match(trend[0] as string, /^date,run_id,kind,/);
  assert.deepEqual(trend.slice(1).map((row) => row.split(',')[2]), ['deploy', 'deploy', 'deploy', 'rollback']);
  assert.match(trend[4] as string, /"checkout, returns 503"/);
  const sla = (await readFile(files.sla_csv, 'utf8')).trim().split('\n');
  assert.equal(sla.length, 2);
  assert.match(sla[1] as string, new RegExp(runId));

  for (const path of [files.report_md, files.summary_json, files.incident_md, files.deploy_log, files.trend_csv, files.sla_csv, files.plan_md, files.plan_json]) {
    assert.ok(existsSync(path), path);
    assert.doesNotMatch(await readFile(path, 'utf8'), new RegExp(secret), path);
  }
  assert.doesNotMatch((await cli('audit', 'export')).stdout, new RegExp(secret));
  assert.doesNotMatch(applied.stdout + applied.stderr, new RegExp(secret));
});
