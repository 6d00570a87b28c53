import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployLogMarkdown } from '../../src/operations/reports/deployLog.js';
import { incidentMarkdown } from '../../src/operations/reports/incidentMarkdown.js';
import { rollbackReportMarkdown, rollbackSummary } from '../../src/operations/reports/runReport.js';
import { slaBreachRow } from '../../src/operations/reports/slaCsv.js';
import { rollbackSummaryJson } from '../../src/operations/reports/summaryJson.js';
import { rollbackTrendInput, trendRow } from '../../src/operations/reports/trendCsv.js';
import { parseCsv } from './csvParse.js';
import { noKnownGoodInput, rollbackInput, SECRET } from './fixture.js';

function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `no "## ${heading}" section`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## '));
  return (end === -1 ? rest : rest.slice(0, end)).filter((line) => line.trim() !== '');
}

test('summary.json starts with seed 000 fields in order, then timing, SLA and people', () => {
  const summary = rollbackSummary(rollbackInput());
  assert.deepEqual(Object.keys(summary).slice(0, 8), ['workflow', 'version', 'run_id', 'rollback_id', 'status', 'reason', 'from_version', 'to_version']);
  assert.equal(summary.status, 'success');
  assert.equal(summary.run_id, 'rollback-20260419-143250-3f2a');
  assert.equal(summary.rollback_id, 'plan-3f2a');
  assert.equal(summary.from_version, 'v1.4.2');
  assert.equal(summary.to_version, 'v1.4.1');
  assert.equal(summary.duration_s, 8);
  assert.equal(summary.sla_s, 90);
  assert.equal(summary.sla_breached, false);
  assert.equal(summary.trigger, 'deploy.verify_failed');
  assert.equal(summary.requested_by, 'bob@example.com');
  assert.equal(summary.approved_by, 'alice@example.com');
  for (const key of ['app', 'env', 'error', 'live_after', 'risk_level', 'started_at', 'finished_at']) assert.ok(key in summary, key);

  const slow = rollbackSummary(rollbackInput({ durationMs: 90_001 }));
  assert.equal(slow.sla_breached, true, 'one millisecond over is a breach');
  assert.equal(rollbackSummary(rollbackInput({ durationMs: 90_000 })).sla_breached, false, 'exactly the SLA is met');
  const failed = JSON.parse(rollbackSummaryJson(noKnownGoodInput())) as Record<string, unknown>;
  assert.equal(failed.status, 'failure');
  assert.equal(failed.severity, 'SEV1');
  assert.equal(failed.error_code, 'NO_KNOWN_GOOD');
});

test('report.md: reason, versions, each step with duration and outcome, verification, people, SLA met, notifications, links', () => {
  const report = rollbackReportMarkdown(rollbackInput());
  assert.match(report, /^# Rollback succeeded: shop production, v1\.4\.2 -> v1\.4\.1$/m);
  assert.match(report, /^- reason: health check failed after deploy$/m);
  assert.match(report, /^- requested by: bob@example\.com$/m);
  assert.match(report, /^- approved by: alice@example\.com$/m);
  assert.match(report, /^- SLA: met \(8\.0 s within 90 s\)$/m);
  const steps = section(report, 'Steps').slice(2);
  assert.deepEqual(steps, [
    '| 1 | check v1.4.1 is present | ok | 14:33:00 UTC | 200 ms | v1.4.1 is present and intact |',
    '| 2 | switch to v1.4.1 | ok | 14:33:00 UTC | 50 ms | current -> releases/v1.4.1 |',
    '| 3 | reload the app | ok | 14:33:00 UTC | 1.6 s | pm2 reload shop |',
    '| 4 | verify v1.4.1 | ok | 14:33:02 UTC | 5.5 s | health ok, 1 smoke command passed |',
    '| 5 | mark v1.4.2 rolled_back | ok | 14:33:07 UTC | 20 ms | v1.4.2 will not be chosen as a rollback target |',
  ]);
  assert.deepEqual(section(report, 'Verification'), ['- health: passed, HTTP 200, sha bbbbbbb matches (1200 ms)', '- smoke: passed, 1 smoke command passed (4300 ms)']);
  assert.deepEqual(section(report, 'Notifications'), ['- slack, rollback.succeeded: sent', '- webhook #2, rollback.succeeded: FAILED (HTTP 502 from receiver)']);
  const links = section(report, 'Files').join('\n');
  for (const file of ['plan.md', 'summary.json', 'incident.md']) assert.ok(links.includes(`](${file})`), file);
});

test('report.md says BREACHED with the time taken and the SLA, and names the failed step', () => {
  const slow = rollbackReportMarkdown(rollbackInput({ durationMs: 120_500 }));
  assert.match(slow, /^- SLA: BREACHED: 120\.5 s over 90 s$/m);
  const failed = rollbackReportMarkdown(noKnownGoodInput());
  assert.match(failed, /^# Rollback FAILED/m);
  assert.match(failed, /\| 4 \| verify v1\.4\.1 \| FAILED \| 14:33:02 UTC \| 5\.5 s \| health: HTTP 500 after 30s \|/);
  assert.match(failed, /^- severity: SEV1$/m);
});

test('the older input (no journal, no SLA) still renders: steps come from the outcomes', () => {
  const { steps, slaSeconds, notifications, secrets, errorCode, dryRun, ...legacy } = rollbackInput();
  void [steps, slaSeconds, notifications, secrets, errorCode, dryRun];
  const report = rollbackReportMarkdown(legacy);
  assert.match(report, /^\| 3 \| reload the app \| ok \| - \| 1\.6 s \| pm2 reload shop \|$/m);
  assert.match(report, /^- SLA: none configured \(took 8\.0 s\)$/m);
  assert.equal(rollbackSummary(legacy).sla_breached, false);
});

test('incident.md: summary, SEV2, the timeline in order with UTC times, then placeholders and a checklist', () => {
  const incident = incidentMarkdown(rollbackInput());
  const summary = section(incident, 'Summary').join('\n');
  assert.match(summary, /\*\*Date:\*\* 2026-04-19T14:33:00\.000Z/);
  assert.match(summary, /\*\*App:\*\* shop/);
  assert.match(summary, /\*\*Environment:\*\* production/);
  assert.match(summary, /\*\*Failed version:\*\* v1\.4\.2$/m);
  assert.match(summary, /\*\*Rolled back to:\*\* v1\.4\.1$/m);
  assert.match(summary, /\*\*Duration of the rollback:\*\* 8\.0 s/);
  assert.match(summary, /\*\*Severity:\*\* SEV2$/m);
  assert.deepEqual(section(incident, 'Timeline'), [
    '- 14:32:50 UTC - Run rollback-20260419-143250-3f2a created: roll back v1.4.2 to v1.4.1, requested by bob@example.com (trigger: deploy.verify_failed)',
    '- 14:33:00 UTC - Rollback started, approved by alice@example.com',
    '- 14:33:00 UTC - Step 1 started: check v1.4.1 is present',
    '- 14:33:00 UTC - Step 1 finished: check v1.4.1 is present, ok (200 ms)',
    '- 14:33:00 UTC - Step 2 started: switch to v1.4.1',
    '- 14:33:00 UTC - Step 2 finished: switch to v1.4.1, ok (50 ms)',
    '- 14:33:00 UTC - Step 3 started: reload the app',
    '- 14:33:02 UTC - Step 3 finished: reload the app, ok (1.6 s)',
    '- 14:33:02 UTC - Step 4 started: verify v1.4.1',
    '- 14:33:07 UTC - Step 4 finished: verify v1.4.1, ok (5.5 s)',
    '- 14:33:07 UTC - Verification passed: health ok, smoke ok',
    '- 14:33:07 UTC - Step 5 started: mark v1.4.2 rolled_back',
    '- 14:33:07 UTC - Step 5 finished: mark v1.4.2 rolled_back, ok (20 ms)',
    '- 14:33:08 UTC - Run finished: rolled back, v1.4.1 running',
  ]);
  assert.deepEqual(section(incident, 'Root cause'), ['[To be filled during post-mortem]']);
  assert.deepEqual(section(incident, 'Impact'), ['[To be filled during post-mortem]']);
  assert.deepEqual(section(incident, 'Action items'), ['- [ ] Investigate root cause', '- [ ] Add regression test', '- [ ] Update deployment validation checks']);
});

test('incident.md is SEV1 when no known good version is left, and says the target was not restored', () => {
  const incident = incidentMarkdown(noKnownGoodInput());
  assert.match(incident, /\*\*Severity:\*\* SEV1: no known good version/);
  assert.match(incident, /\*\*Rolled back to:\*\* v1\.4\.1 \(NOT restored\)/);
  const timeline = section(incident, 'Timeline');
  assert.equal(timeline.at(-3), '- 14:33:07 UTC - Step 4 finished: verify v1.4.1, FAILED: health: HTTP 500 after 30s (5.5 s)');
  assert.equal(timeline.at(-2), '- 14:33:07 UTC - Verification FAILED: health: HTTP 500 after 30s');
  assert.match(timeline.at(-1) ?? '', /^- 14:33:37 UTC - Run finished: FAILED \(rolled back to v1\.4\.1 but it failed/);
  assert.equal(section(incident, 'Action items')[0], '- [ ] Bring production back to a working version (no known good version was left)');
  assert.match(incidentMarkdown(rollbackInput({ errorCode: 'STEP_FAILED', ok: false })), /\*\*Severity:\*\* SEV2$/m);
});

test('a run that crosses midnight shows the date on the times of the next day', () => {
  const input = rollbackInput({}, { startedAt: '2026-04-19T23:59:58.000Z', finishedAt: '2026-04-20T00:00:03.000Z' });
  const timeline = section(incidentMarkdown(input), 'Timeline');
  assert.equal(timeline.at(-1), '- 2026-04-20 00:00:03 UTC - Run finished: rolled back, v1.4.1 running');
});

test('secrets are redacted from every output, even inside table cells and CSV quotes', () => {
  const awkward = 'pa|ss"wo,rd';
  const base = rollbackInput({ durationMs: 100_000 });
  const steps = (base.steps ?? []).map((s) => (s.index === 2 ? { ...s, output: `pm2 reload with token=${SECRET} and ${awkward}` } : s));
  const input = rollbackInput(
    {
      durationMs: 100_000,
      steps,
      outcomes: base.outcomes.map((o, i) => (i === 2 ? { ...o, detail: `token=${SECRET}` } : o)),
      error: `webhook https://hooks.example.com/${SECRET} refused`,
      notifications: [{ receiver: 'webhook', event: 'rollback.succeeded', ok: false, error: `POST https://hooks.example.com/${SECRET}: 404` }],
      secrets: [SECRET, awkward],
    },
    { trigger: `manual ${awkward}` },
  );
  input.plan = { ...input.plan, reason: `deploy broke; ${SECRET} leaked in logs; ${awkward}` };
  const outputs = {
    report: rollbackReportMarkdown(input),
    summary: rollbackSummaryJson(input),
    incident: incidentMarkdown(input),
    deployLog: deployLogMarkdown(input, '/state/reports/deploys', '/state/reports/rollbacks/r1'),
    trend: trendRow(rollbackTrendInput(input)),
    sla: slaBreachRow(input) ?? assert.fail('the run breached its SLA'),
  };
  for (const [name, text] of Object.entries(outputs)) {
    assert.ok(!text.includes(SECRET), `${name} leaks the secret`);
    for (const fragment of ['SUPERSECRET', 'wo,rd', 'wo""rd', 'pa\\|ss']) assert.ok(!text.includes(fragment), `${name} leaks ${fragment}`);
    assert.ok(text.includes('***'), `${name} shows where something was redacted`);
  }
  assert.match(outputs.report, /deploy broke; \*\*\* leaked in logs; \*\*\*/);
});

test('trend rows escape commas, quotes and line breaks, and work for any kind of run', () => {
  const input = rollbackInput();
  input.plan = { ...input.plan, reason: 'error rate 5%, "p99" over 2s\nsecond line' };
  const [row] = parseCsv(trendRow(rollbackTrendInput(input)));
  assert.deepEqual(row, [
    '2026-04-19T14:33:00Z', 'rollback-20260419-143250-3f2a', 'rollback', 'shop', 'production', 'v1.4.2', 'v1.4.1', 'success', '8', '90', 'false',
    'deploy.verify_failed', 'bob@example.com', 'error rate 5%, "p99" over 2s\nsecond line',
  ]);
  assert.ok(trendRow(rollbackTrendInput(input)).includes('"error rate 5%, ""p99"" over 2s\nsecond line"'));

  const deploy = trendRow({
    at: new Date('2026-04-19T14:30:00.250Z'), runId: 'deploy-1', kind: 'deploy', app: 'shop', env: 'production', fromVersion: null, toVersion: 'v1.4.2',
    status: 'failure', durationMs: 45_250, slaSeconds: null, trigger: 'manual', requestedBy: 'bob@example.com',
  });
  assert.equal(deploy, '2026-04-19T14:30:00Z,deploy-1,deploy,shop,production,,v1.4.2,failure,45.25,,false,manual,bob@example.com,\n');
});

test('a dry run is counted as a drill and never as an SLA breach', () => {
  const drill = rollbackInput({ dryRun: true, durationMs: 200_000 });
  assert.equal(parseCsv(trendRow(rollbackTrendInput(drill)))[0]?.[2], 'drill');
  assert.equal(slaBreachRow(drill), null);
  assert.notEqual(slaBreachRow(rollbackInput({ durationMs: 200_000 })), null);
  assert.match(rollbackReportMarkdown(drill), /^# Rollback drill \(dry run\)/m);
});

test('the sla-breaches row says by how much', () => {
  assert.equal(slaBreachRow(rollbackInput()), null);
  const [row] = parseCsv(slaBreachRow(rollbackInput({ durationMs: 120_500 })) ?? '');
  assert.deepEqual(row, ['2026-04-19T14:33:00Z', 'rollback-20260419-143250-3f2a', 'shop', 'production', 'v1.4.2', 'v1.4.1', '120.5', '90', '30.5', 'health check failed after deploy']);
});
