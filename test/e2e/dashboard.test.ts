/**
 * `rewind serve` in a real browser (Debian's chromium through playwright-core)
 * over a ledger made by real deploys and rollbacks of the sample app: every
 * page loads with no console error and shows the right versions; the approve
 * button is there only with REWIND_SERVE_TOKEN and works; a POST without the
 * CSRF value is refused. Screenshots at 1280x800 and 390x844 go to
 * test-output/screenshots/ (not committed).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort } from '../../src/exec/freePort.js';
import { chromiumSkipReason, startBrowser } from '../helpers/browser.js';
import { rewind } from '../helpers/cli.js';
import { stopChild } from '../helpers/stopChild.js';
import { BROKEN, GOOD, makeWorld, type World } from '../helpers/world.js';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const bin = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');

/** `rewind serve` on a free loopback port, stopped when the test ends. */
async function serve(t: TestContext, world: World, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), bin, 'serve', '--port', String(port)], {
    cwd: world.root, env: { ...process.env, REWIND_USER: 'tester@example.com', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => stopChild(child));
  let said = '';
  child.stdout?.on('data', (d) => { said += String(d); });
  child.stderr?.on('data', (d) => { said += String(d); });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 20_000; ;) {
    if (await fetch(`${url}/api/overview`).then((r) => r.ok, () => false)) return url;
    assert.ok(Date.now() < deadline && child.exitCode === null, `rewind serve did not start: ${said}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A page that must load without a console error, screenshotted at both sizes. */
async function visit(page: Page, url: string, shot: string): Promise<void> {
  const errors: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => { if (m.type() === 'error') errors.push(m.text()); };
  page.on('console', onConsole);
  const response = await page.goto(url);
  assert.equal(response?.status(), 200, url);
  await mkdir(SHOTS, { recursive: true });
  for (const [w, h] of [[1280, 800], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: join(SHOTS, `${shot}-${w}x${h}.png`) });
  }
  page.off('console', onConsole);
  assert.deepEqual(errors, [], `console errors on ${url}`);
}

test('the dashboard in chromium: overview, timeline, run page, audit; approving a waiting run needs the token and the CSRF value',
  { skip: chromiumSkipReason() }, async (t) => {
    const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
    const cli = (...args: string[]) => rewind(world.root, args);
    for (const v of ['v1', 'v2']) assert.equal((await cli('deploy', v)).code, 0);
    // v3 fails verification and goes back to v2 by itself: a failed deploy and a rollback in the ledger.
    assert.equal((await cli('deploy', 'v3')).code, 1);
    await world.configure('    approval: { required_for: all, approvers: [alice@example.com], allow_self_approval: false }');
    const waiting = await cli('rollback', '--apply', '--yes', '--json');
    assert.equal(waiting.code, 3, waiting.stdout + waiting.stderr);
    const waitingId = waiting.json().run_id as string;

    const browser = await startBrowser(t);
    const page = await browser.newPage();
    const readOnly = await serve(t, world);
    await visit(page, `${readOnly}/`, 'overview');
    assert.equal((await page.textContent('[data-env="production"] .live-version'))?.trim(), `v2 ${(await world.shaOf('v2')).slice(0, 7)}`);
    assert.match((await page.textContent('[data-env="production"] .last-good')) ?? '', /^v1 /);
    assert.equal((await page.textContent('[data-env="production"] .health'))?.trim(), 'healthy');
    assert.match((await page.textContent('[data-env="production"] .incident')) ?? '', new RegExp(`awaiting approval ${waitingId}`));
    assert.match((await page.textContent('.figures')) ?? '', /change failure rate\s*33\.3%\s*1 of 3 deploys/);

    await visit(page, `${readOnly}/env/production`, 'timeline');
    assert.deepEqual(await page.$$eval('table.releases tr td:first-child .mono:first-child', (els) => els.map((e) => e.textContent)),
      ['v3', 'v2', 'v1']);
    assert.equal(await page.locator('svg.timeline circle').count(), 3);
    assert.equal(await page.locator('svg.timeline path.arrow').count(), 1, 'the automatic rollback is drawn back to v2');

    const automatic = (await cli('history', '--json')).json().runs.find((r: any) => r.trigger === 'deploy.verify_failed');
    await visit(page, `${readOnly}/runs/${automatic.run_id}`, 'rollback');
    assert.deepEqual(await page.$$eval('table.hosts tr:nth-child(2) td', (tds) => tds.map((td) => td.textContent)), ['local', 'v2', 'yes', '–']);
    assert.match((await page.textContent('table.steps')) ?? '', /health http:\/\/127\.0\.0\.1:\d+\/health: status 200, reports [0-9a-f]{7}/);
    assert.ok((await page.$$eval('ul.files a', (as) => as.map((a) => a.textContent))).includes('report.md'));
    const report = await fetch(`${readOnly}/runs/${automatic.run_id}/files/report.md`);
    assert.equal(report.status, 200);
    assert.match(await report.text(), /v3/);
    assert.equal((await fetch(`${readOnly}/runs/${automatic.run_id}/files/..%2F..%2Frewind.yaml`)).status, 404);

    await visit(page, `${readOnly}/runs/${waitingId}`, 'run');
    assert.equal(await page.textContent('#run-id'), waitingId);
    assert.equal(await page.locator('form.approve').count(), 0, 'read-only: no approve button');
    await visit(page, `${readOnly}/audit`, 'audit');
    assert.match((await page.textContent('#chain')) ?? '', /chain intact/);
    const missing = await page.goto(`${readOnly}/runs/rollback-20200101-000000-0000`);
    assert.equal(missing?.status(), 404);
    assert.equal((await fetch(`${readOnly}/runs/${waitingId}/approve`, { method: 'POST' })).status, 404, 'no action without the token');
    const headers = (await fetch(`${readOnly}/`)).headers;
    assert.match(headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
    assert.equal(headers.get('x-frame-options'), 'DENY');

    const token = 'a-serve-token-for-the-test';
    const approving = await serve(t, world, { REWIND_SERVE_TOKEN: token });
    await page.goto(`${approving}/runs/${waitingId}`);
    assert.equal(await page.locator('form.approve').count(), 1);
    // Without this browser's CSRF cookie, the right token is not enough.
    const forged = await fetch(`${approving}/runs/${waitingId}/approve`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, approver: 'alice@example.com', csrf: 'f'.repeat(32) }).toString(),
    });
    assert.equal(forged.status, 403);
    await page.fill('input[name=approver]', 'alice@example.com');
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('form.approve button');
    assert.match((await page.textContent('main')) ?? '', /refused: wrong token/);
    await page.goto(`${approving}/runs/${waitingId}`);
    await page.fill('input[name=approver]', 'alice@example.com');
    await page.fill('input[name=token]', token);
    await page.click('form.approve button');
    await page.waitForURL(`${approving}/runs/${waitingId}`);
    assert.match((await page.textContent('.kv')) ?? '', /approved by\s*alice@example\.com/);
    const audit = await (await fetch(`${approving}/api/audit`)).json() as any;
    assert.ok(audit.entries.some((e: any) => e.action === 'approval.granted' && e.actor === 'alice@example.com' && e.runId === waitingId));
    // The token is never on a page or in the API.
    for (const path of ['/', `/runs/${waitingId}`, '/audit', '/api/overview', `/api/runs/${waitingId}`]) {
      assert.doesNotMatch(await (await fetch(`${approving}${path}`)).text(), new RegExp(token), path);
    }
  });

test('rewind serve: a port in use is one line and exit 2', async (t) => {
  const world = await makeWorld(t, [GOOD('v1')]);
  const taken = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => taken.once('listening', resolve));
  t.after(() => new Promise<void>((resolve) => taken.close(() => resolve())));
  const port = (taken.address() as { port: number }).port;
  const run = await rewind(world.root, ['serve', '--port', String(port)]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim(), `rewind: rewind serve: 127.0.0.1:${port} is in use: stop what listens there, or pass --port`);
  const bad = await rewind(world.root, ['serve', '--port', 'eighty']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port eighty: expected a port number from 0 to 65535/);
});
