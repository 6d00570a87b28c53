/**
 * Issue 13, item 5: a webhook URL with user:password@ in it was accepted, and
 * every delivery failed (fetch refuses such a URL), so the alerts were lost.
 * Now the credentials travel as an Authorization: Basic header, the URL is
 * sent without them, and neither shows in an outcome.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notifySchema, type NotifyConfig } from '../../src/config/schema/notify.js';
import { createNotifier, notifierSecrets } from '../../src/notify/notifier.js';
import { FAST, notification } from './fixtures.js';
import { startReceiver } from './receiver.js';

const PASSWORD = 'pa:ss w0rd!';
const ENCODED = encodeURIComponent(PASSWORD);
const BASIC = `Basic ${Buffer.from(`alertbot:${PASSWORD}`).toString('base64')}`;

const webhook = (url: string): NotifyConfig => notifySchema.parse({ type: 'webhook', url });

test('a webhook URL with credentials: the alert arrives, with them as Basic auth and not in the URL', async (t) => {
  const server = await startReceiver(t);
  const url = `http://alertbot:${ENCODED}@127.0.0.1:${server.port}/hooks/rewind?team=ops`;
  const [outcome] = await createNotifier([webhook(url)], { env: {}, ...FAST }).notify(notification());
  assert.deepEqual(outcome, { receiver: `webhook 127.0.0.1:${server.port}`, event: 'rollback.succeeded', ok: true, attempts: 1, status: 200, error: null });
  assert.equal(server.received.length, 1);
  const [request] = server.received;
  assert.equal(request?.authorization, BASIC);
  assert.equal(request?.path, '/hooks/rewind?team=ops');
  assert.equal((request?.body as { event?: string }).event, 'rollback.succeeded');
});

test('a failing receiver with credentials: the outcome says why and never shows them', async (t) => {
  const server = await startReceiver(t, () => ({ status: 401, body: `bad credentials for alertbot:${PASSWORD}` }));
  const url = `http://alertbot:${ENCODED}@127.0.0.1:${server.port}/hook`;
  const [outcome] = await createNotifier([webhook(url)], { env: {}, ...FAST }).notify(notification({ reason: `see ${url}` }));
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.status, 401);
  const shown = JSON.stringify(outcome);
  for (const secret of [PASSWORD, ENCODED, BASIC.slice(6)]) assert.ok(!shown.includes(secret), `${secret} in ${shown}`);
  const [request] = server.received;
  assert.ok(!JSON.stringify(request?.body).includes(ENCODED), 'the reason sent on is redacted too');
});

test('the secrets of a receiver with credentials include every form they take', () => {
  const secrets = notifierSecrets([webhook(`https://alertbot:${ENCODED}@hooks.example.com/x`)], {});
  for (const form of [PASSWORD, ENCODED, BASIC.slice(6), `alertbot:${PASSWORD}`, 'https://hooks.example.com/x']) {
    assert.ok(secrets.includes(form), `${form} is not among ${JSON.stringify(secrets)}`);
  }
});
