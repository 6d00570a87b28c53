import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notifySchema } from '../../src/config/schema/notify.js';
import type { NotifyConfig } from '../../src/config/schema/notify.js';
import { createNotifier, notifierSecrets } from '../../src/notify/notifier.js';
import { FAST, notification } from './fixtures.js';
import { closedPort, startReceiver } from './receiver.js';

const webhook = (url: string, events?: string[]): NotifyConfig => notifySchema.parse({ type: 'webhook', url, ...(events ? { events } : {}) });

test('only receivers whose events include the event are sent to', async (t) => {
  const failures = await startReceiver(t);
  const successes = await startReceiver(t);
  const receivers = [webhook(`${failures.origin}/f`, ['rollback.failed', 'sla.breached']), webhook(`${successes.origin}/s`, ['rollback.succeeded'])];
  const notifier = createNotifier(receivers, { env: {}, ...FAST });

  const outcomes = await notifier.notify(notification({ event: 'rollback.succeeded' }));
  assert.deepEqual(outcomes.map((o) => o.receiver), [`webhook 127.0.0.1:${successes.port}`]);
  assert.equal(successes.received.length, 1);
  assert.equal(failures.received.length, 0);

  const sla = await notifier.notify(notification({ event: 'sla.breached' }));
  assert.deepEqual(sla.map((o) => [o.receiver, o.event, o.ok]), [[`webhook 127.0.0.1:${failures.port}`, 'sla.breached', true]]);
  assert.equal(failures.received.length, 1);
  assert.deepEqual(await notifier.notify(notification({ event: 'approval.requested' })), []);
});

test('a receiver answering 500 twice then 200 is delivered on the third attempt, after doubling pauses', async (t) => {
  const server = await startReceiver(t, (n) => (n <= 2 ? { status: 500, body: 'boom' } : { status: 200 }));
  const pauses: number[] = [];
  const sleep = async (ms: number): Promise<void> => void pauses.push(ms);
  const [outcome] = await createNotifier([webhook(`${server.origin}/hook`)], { env: {}, ...FAST, backoffMs: 20, sleep }).notify(notification());
  assert.deepEqual(outcome, { receiver: `webhook 127.0.0.1:${server.port}`, event: 'rollback.succeeded', ok: true, attempts: 3, status: 200, error: null });
  assert.equal(server.received.length, 3);
  assert.deepEqual(pauses, [20, 40]);
});

test('a 400 is not retried and its reason is reported', async (t) => {
  const server = await startReceiver(t, () => ({ status: 400, body: 'invalid_payload\n' }));
  const [outcome] = await createNotifier([webhook(`${server.origin}/hook`)], { env: {}, ...FAST }).notify(notification());
  assert.equal(server.received.length, 1);
  assert.deepEqual(outcome, { receiver: `webhook 127.0.0.1:${server.port}`, event: 'rollback.succeeded', ok: false, attempts: 1, status: 400, error: `webhook 127.0.0.1:${server.port} answered HTTP 400: invalid_payload` });
});

test('a 429 is retried', async (t) => {
  const server = await startReceiver(t, (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 204 }));
  const [outcome] = await createNotifier([webhook(`${server.origin}/hook`)], { env: {}, ...FAST }).notify(notification());
  assert.equal(outcome?.ok, true, outcome?.error ?? '');
  assert.equal(outcome?.attempts, 2);
  assert.equal(outcome?.status, 204);
});

test('a redirect is not followed: the body must not be carried elsewhere', async (t) => {
  const elsewhere = await startReceiver(t);
  const server = await startReceiver(t, () => ({ status: 307, headers: { location: `${elsewhere.origin}/other` } }));
  const [outcome] = await createNotifier([webhook(`${server.origin}/hook`)], { env: {}, ...FAST }).notify(notification());
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.attempts, 1);
  assert.equal(outcome?.status, 307);
  assert.match(outcome?.error ?? '', /HTTP 307 \(redirects are not followed\)/);
  assert.equal(elsewhere.received.length, 0);
});

test('an always-failing receiver ends ok:false after 3 attempts, and notify resolves', async (t) => {
  const server = await startReceiver(t, () => ({ status: 503, body: 'down for maintenance' }));
  const good = await startReceiver(t);
  const notifier = createNotifier([webhook(`${server.origin}/hook`), webhook(`${good.origin}/hook`)], { env: {}, ...FAST });
  const outcomes = await notifier.notify(notification());
  assert.equal(server.received.length, 3);
  assert.deepEqual(outcomes[0], { receiver: `webhook 127.0.0.1:${server.port}`, event: 'rollback.succeeded', ok: false, attempts: 3, status: 503, error: `webhook 127.0.0.1:${server.port} answered HTTP 503: down for maintenance` });
  assert.equal(outcomes[1]?.ok, true, 'the other receiver is not held back by the failing one');
});

test('receivers that never answer end within the overall timeout, in parallel', async (t) => {
  const first = await startReceiver(t, () => 'hang');
  const second = await startReceiver(t, () => 'hang');
  const notifier = createNotifier([webhook(`${first.origin}/a`), webhook(`${second.origin}/b`)], { env: {}, backoffMs: 5, overallTimeoutMs: 300 });
  const started = performance.now();
  const outcomes = await notifier.notify(notification());
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 250, `ended after ${elapsed}ms, before the limit`);
  assert.ok(elapsed < 2500, `took ${elapsed}ms for a 300ms limit`);
  assert.equal(outcomes.length, 2);
  for (const outcome of outcomes) {
    assert.equal(outcome.ok, false);
    assert.equal(outcome.status, null);
    assert.equal(outcome.attempts, 1);
    assert.match(outcome.error ?? '', /^no answer from webhook 127\.0\.0\.1:\d+ within the 300ms notification time limit/);
  }
});

test('a fetch that ignores its abort signal still cannot hold notify past the limit', async () => {
  const stuck: typeof fetch = () => new Promise<Response>(() => undefined);
  const started = performance.now();
  const [outcome] = await createNotifier([webhook('https://hooks.example.com/abc/def')], { env: {}, fetch: stuck, overallTimeoutMs: 200 }).notify(notification());
  assert.ok(performance.now() - started < 2500);
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.receiver, 'webhook hooks.example.com');
});

test('connection refused is an outcome, retried, not an exception', async () => {
  const port = await closedPort();
  const [outcome] = await createNotifier([webhook(`http://127.0.0.1:${port}/hook`)], { env: {}, ...FAST }).notify(notification());
  assert.deepEqual(outcome, { receiver: `webhook 127.0.0.1:${port}`, event: 'rollback.succeeded', ok: false, attempts: 3, status: null, error: `connection refused at webhook 127.0.0.1:${port}` });
});

test('a missing bot token variable is an outcome and nothing is sent', async (t) => {
  const server = await startReceiver(t);
  const receiver = notifySchema.parse({ type: 'telegram', bot_token_env: 'REWIND_TG_TOKEN', chat_id: 123, api_url: server.origin });
  const outcomes = await createNotifier([receiver], { env: { OTHER: 'x' }, ...FAST }).notify(notification());
  assert.deepEqual(outcomes, [{ receiver: 'telegram chat 123', event: 'rollback.succeeded', ok: false, attempts: 0, status: null, error: 'telegram: $REWIND_TG_TOKEN is not set' }]);
  assert.equal(server.received.length, 0);
});

test('a fetch that throws synchronously is an outcome too', async () => {
  const url = 'https://hooks.example.com/services/very-secret-path';
  const throwing: typeof fetch = (input) => {
    throw new Error(`cannot post to ${String(input)}`);
  };
  const [outcome] = await createNotifier([webhook(url)], { env: {}, fetch: throwing, ...FAST }).notify(notification());
  assert.equal(outcome?.ok, false);
  assert.equal(outcome?.attempts, 3);
  assert.ok(!(outcome?.error ?? '').includes('very-secret-path'), outcome?.error ?? '');
});

test('no outcome shows a webhook path, a Slack URL or a bot token, even when a server echoes them', async (t) => {
  const token = '7012345678:AAH-topSecretToken_abc';
  const hookPath = '/hooks/hunter2-webhook-secret';
  const slackPath = '/services/T0ABC/B0DEF/slackSecretXyz123';
  // A hostile or buggy receiver that quotes the request line back in its error.
  const echo = await startReceiver(t, (_n, request) => ({ status: 400, body: `bad request to ${request.path} (http://127.0.0.1${request.path})` }));
  const flaky = await startReceiver(t, (_n, request) => ({ status: 500, body: `upstream failed for ${request.path}` }));
  const refused = await closedPort();
  const receivers: NotifyConfig[] = [
    webhook(`${echo.origin}${hookPath}?key=qs-secret-value`),
    notifySchema.parse({ type: 'slack', url: `${flaky.origin}${slackPath}` }),
    notifySchema.parse({ type: 'telegram', bot_token_env: 'TG_TOKEN', chat_id: 42, api_url: echo.origin }),
    notifySchema.parse({ type: 'telegram', bot_token_env: 'TG_TOKEN', chat_id: 43, api_url: `http://127.0.0.1:${refused}` }),
    webhook(`http://127.0.0.1:${refused}${hookPath}`),
  ];
  const env = { TG_TOKEN: token };
  const outcomes = await createNotifier(receivers, { env, ...FAST }).notify(notification({ reason: `operator pasted ${token} here` }));

  assert.equal(outcomes.length, 5);
  assert.ok(outcomes.every((o) => !o.ok && o.error !== null));
  // The servers did see the secrets, so a leak would be visible here.
  assert.ok(echo.received.some((r) => r.path.includes(token)));
  const secrets = [token, hookPath, 'hunter2-webhook-secret', 'qs-secret-value', slackPath, 'slackSecretXyz123', 'AAH-topSecretToken'];
  for (const outcome of outcomes) {
    for (const secret of secrets) {
      assert.ok(!outcome.receiver.includes(secret), `receiver "${outcome.receiver}" shows ${secret}`);
      assert.ok(!(outcome.error ?? '').includes(secret), `error "${outcome.error}" shows ${secret}`);
    }
  }
  assert.match(outcomes[0]?.error ?? '', /answered HTTP 400: bad request to \*\*\*/);
  // A secret quoted in the notification itself is not passed on to receivers.
  const sentText = (echo.received.find((r) => r.path.startsWith('/hooks'))?.body as { reason: string }).reason;
  assert.equal(sentText, 'operator pasted *** here');
});

test('notifierSecrets lists webhook and Slack URLs and Telegram tokens', () => {
  const receivers: NotifyConfig[] = [
    webhook('https://hooks.example.com/x'),
    notifySchema.parse({ type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/abcdef' }),
    notifySchema.parse({ type: 'telegram', bot_token_env: 'TG', chat_id: 1 }),
    notifySchema.parse({ type: 'telegram', bot_token_env: 'UNSET', chat_id: 2 }),
  ];
  const secrets = notifierSecrets(receivers, { TG: '123456:tokentoken' });
  for (const expected of ['https://hooks.example.com/x', 'https://hooks.slack.com/services/T0/B0/abcdef', '/services/T0/B0/abcdef', '123456:tokentoken']) {
    assert.ok(secrets.includes(expected), `missing ${expected} in ${JSON.stringify(secrets)}`);
  }
  // A two-character path guards nothing and would blank "/x" everywhere in logs.
  assert.ok(!secrets.includes('/x'));
});
