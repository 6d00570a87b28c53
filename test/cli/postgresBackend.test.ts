import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEnvironment } from '../../src/wiring/openEnvironment.js';
import { redact } from '../../src/core/redact.js';
import { rewind, type CliRun } from '../helpers/cli.js';
import { postgresSkip, withTempDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';

const skip = await postgresSkip();

const config = (state: string) => `app: shop
state:
${state}
environments:
  production:
    driver: releases
    releases: { path: ./srv, source: { dir: . } }
`;

async function project(t: Parameters<typeof tempDir>[0], state: string): Promise<string> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), config(state));
  return dir;
}

function oneLine(run: CliRun, pattern: RegExp): string {
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
  return lines[0]!;
}

/** A URL for the test server with a password: trust auth ignores it, so it connects, and it must never be shown. */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

test('state.backend postgres without a URL: exit 2 naming state.url, nothing written', async (t) => {
  const dir = await project(t, '  backend: postgres');
  const run = await rewind(dir, ['history'], { REWIND_DATABASE_URL: '' });
  assert.equal(run.code, 2);
  oneLine(run, /rewind\.yaml: state\.url is required when state\.backend is postgres \(or set REWIND_DATABASE_URL\)/);
  assert.equal(existsSync(join(dir, '.rewind', 'ledger.sqlite')), false);
});

test('a URL that is not postgres:// is refused naming where it came from, without its password', async (t) => {
  const dir = await project(t, '  backend: postgres\n  url: mysql://root:hunter22@db/x');
  const fromConfig = await rewind(dir, ['history'], { REWIND_DATABASE_URL: '' });
  assert.equal(fromConfig.code, 2);
  const line = oneLine(fromConfig, /state\.url must be a postgres:\/\/ or postgresql:\/\/ URL, got mysql:\/\/root:\*\*\*@db\/x/);
  assert.doesNotMatch(line, /hunter22/);
  const fromEnv = await rewind(dir, ['history'], { REWIND_DATABASE_URL: 'http://x:hunter22@y/' });
  assert.equal(fromEnv.code, 2);
  oneLine(fromEnv, /^rewind: REWIND_DATABASE_URL must be a postgres/);
});

test('an unreachable server: one LEDGER_ERROR line naming the URL without its password, exit 1', async (t) => {
  const dir = await project(t, '  backend: postgres\n  url: postgres://rewind:hunter22-secret@127.0.0.1:1/ledger');
  const run = await rewind(dir, ['history'], { REWIND_DATABASE_URL: '' });
  assert.equal(run.code, 1);
  const line = oneLine(run, /ledger postgres:\/\/rewind:\*\*\*@127\.0\.0\.1:1\/ledger: opening failed: connect ECONNREFUSED/);
  assert.doesNotMatch(line, /hunter22/);
  const json = await rewind(dir, ['history', '--json'], { REWIND_DATABASE_URL: '' });
  assert.equal(json.code, 1);
  assert.doesNotMatch(json.stdout + json.stderr, /hunter22/);
});

test('REWIND_DATABASE_URL overrides state.url; the password joins the secrets and is never in the label', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const secretUrl = withPassword(url, 'pg-Passw0rd-42');
  const dir = await project(t, '  backend: postgres\n  url: postgres://nobody@127.0.0.1:1/unreachable');
  const run = await rewind(dir, ['history', '--json'], { REWIND_DATABASE_URL: secretUrl });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.json().runs, []);
  assert.equal(existsSync(join(dir, '.rewind', 'ledger.sqlite')), false, 'no SQLite ledger beside the shared one');

  // The same URL written in rewind.yaml: its password is redacted too, though no variable names it.
  await writeFile(join(dir, 'rewind.yaml'), config(`  backend: postgres\n  url: ${JSON.stringify(secretUrl)}`));
  const deps = await openEnvironment({ cwd: dir, processEnv: { REWIND_USER: 'x@example.com', PATH: process.env.PATH } });
  t.after(() => deps.close());
  assert.ok(deps.secrets.includes('pg-Passw0rd-42'));
  assert.equal(deps.ledgerFile.includes('pg-Passw0rd-42'), false, deps.ledgerFile);
  assert.equal(redact(`connecting to ${secretUrl}`, deps.secrets).includes('pg-Passw0rd-42'), false);
  const entry = await deps.ledger.appendAudit({ at: 'now', actor: 'x', action: 'a', app: 'shop', env: 'production', runId: null, outcome: 'ok', detail: {} });
  assert.equal(entry.seq, 1);
});
