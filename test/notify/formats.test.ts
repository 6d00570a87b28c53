import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notifySchema } from '../../src/config/schema/notify.js';
import { slackRequest } from '../../src/notify/formats/slack.js';
import { telegramRequest, telegramToken } from '../../src/notify/formats/telegram.js';
import { createNotifier } from '../../src/notify/notifier.js';
import { FAST, notification } from './fixtures.js';
import { startReceiver } from './receiver.js';

const TOKEN = '7012345678:AAH-secretTokenPart_xyz';

test('a webhook receives the notification as JSON, as is, tagged with source "rewind"', async (t) => {
  const server = await startReceiver(t);
  const url = `${server.origin}/hooks/T0-secret-path`;
  const receivers = [notifySchema.parse({ type: 'webhook', url })];
  const n = notification({ approved_by: 'bob@example.com' });
  const outcomes = await createNotifier(receivers, { env: {}, ...FAST }).notify(n);

  assert.deepEqual(outcomes, [{ receiver: `webhook 127.0.0.1:${server.port}`, event: 'rollback.succeeded', ok: true, attempts: 1, status: 200, error: null }]);
  assert.equal(server.received.length, 1);
  const [request] = server.received;
  assert.equal(request?.method, 'POST');
  assert.equal(request?.path, '/hooks/T0-secret-path');
  assert.equal(request?.contentType, 'application/json');
  assert.deepEqual(request?.body, { source: 'rewind', ...n });
});

test('slack receives text and blocks naming both versions, with the severity emoji', async (t) => {
  const server = await startReceiver(t);
  const receivers = [notifySchema.parse({ type: 'slack', url: `${server.origin}/services/T000/B000/XXXXXXXX` })];
  const n = notification({ event: 'rollback.failed', severity: 'critical', status: 'failed', reason: 'error rate <5% expected & got 12%' });
  const outcomes = await createNotifier(receivers, { env: {}, ...FAST }).notify(n);

  assert.equal(outcomes[0]?.ok, true, outcomes[0]?.error ?? '');
  assert.equal(outcomes[0]?.receiver, 'slack');
  const body = server.received[0]?.body as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { type: string; text: string }[] }[] };
  assert.equal(server.received[0]?.path, '/services/T000/B000/XXXXXXXX');
  assert.match(body.text, /^:rotating_light: /);
  assert.ok(body.text.includes('v1.2.0') && body.text.includes('v1.1.0'), body.text);
  assert.equal(body.blocks.length, 2);
  const [section, context] = body.blocks;
  assert.equal(section?.type, 'section');
  assert.equal(section?.text?.type, 'mrkdwn');
  assert.ok(section?.text?.text.includes('*Version:* v1.2.0 → v1.1.0'), section?.text?.text);
  // Slack reads <...> as links: user text must arrive escaped.
  assert.ok(section?.text?.text.includes('*Reason:* error rate &lt;5% expected &amp; got 12%'), section?.text?.text);
  assert.equal(context?.type, 'context');
  assert.equal(context?.elements?.[0]?.type, 'mrkdwn');
  assert.ok(context?.elements?.[0]?.text.includes('run-20240501-abc123'), context?.elements?.[0]?.text);
});

test('slack emoji follows severity', () => {
  const text = (severity: 'info' | 'warning' | 'critical'): string => (slackRequest({ url: 'https://hooks.slack.com/x' }, notification({ severity })).body as { text: string }).text;
  assert.match(text('info'), /^:information_source: /);
  assert.match(text('warning'), /^:warning: /);
  assert.match(text('critical'), /^:rotating_light: /);
});

test('telegram posts sendMessage to /bot<token>/ with chat_id and text', async (t) => {
  const server = await startReceiver(t, () => ({ status: 200, body: '{"ok":true}' }));
  const receivers = [notifySchema.parse({ type: 'telegram', bot_token_env: 'REWIND_TG_TOKEN', chat_id: -100123, api_url: `${server.origin}/` })];
  const outcomes = await createNotifier(receivers, { env: { REWIND_TG_TOKEN: `${TOKEN}\n` }, ...FAST }).notify(notification({ approved_by: 'bob@example.com' }));

  assert.deepEqual(outcomes, [{ receiver: 'telegram chat -100123', event: 'rollback.succeeded', ok: true, attempts: 1, status: 200, error: null }]);
  const [request] = server.received;
  assert.equal(request?.method, 'POST');
  assert.equal(request?.path, `/bot${TOKEN}/sendMessage`);
  const body = request?.body as { chat_id: unknown; text: string; disable_web_page_preview: unknown };
  assert.equal(body.chat_id, -100123);
  assert.equal(body.disable_web_page_preview, true);
  assert.ok(body.text.startsWith('ℹ️ shop production rolled back from v1.2.0 to v1.1.0 in 4.2s\n'), body.text);
  assert.ok(body.text.includes('Version: v1.2.0 → v1.1.0'), body.text);
  assert.ok(body.text.includes('Requested by: alice@example.com, approved by bob@example.com'), body.text);
  assert.ok(body.text.includes('Report: .rewind/reports/rollbacks/run-20240501-abc123/report.md'), body.text);
});

test('telegram uses the default Bot API URL and refuses a token that would reshape the path', () => {
  const receiver = notifySchema.parse({ type: 'telegram', bot_token_env: 'TG', chat_id: '@ops' });
  assert.equal(receiver.type, 'telegram');
  if (receiver.type !== 'telegram') return;
  assert.equal(telegramRequest(receiver, notification(), TOKEN).url, `https://api.telegram.org/bot${TOKEN}/sendMessage`);
  assert.deepEqual(telegramToken(receiver, {}), { error: 'telegram: $TG is not set' });
  assert.deepEqual(telegramToken(receiver, { TG: '  ' }), { error: 'telegram: $TG is not set' });
  const bad = telegramToken(receiver, { TG: '123:abc/../../evil' });
  assert.ok('error' in bad && bad.error.startsWith('telegram: $TG does not look like a bot token'));
  assert.ok('error' in bad && !bad.error.includes('evil'));
});

test('chat texts are clipped to what the APIs accept', () => {
  const n = notification({ reason: 'x'.repeat(10_000) });
  const tg = telegramRequest({ bot_token_env: 'TG', chat_id: 1, api_url: 'https://api.telegram.org' }, n, TOKEN).body as { text: string };
  assert.equal(tg.text.length, 4096);
  const slack = slackRequest({ url: 'https://hooks.slack.com/x' }, n).body as { blocks: { text?: { text: string } }[] };
  assert.equal(slack.blocks[0]?.text?.text.length, 3000);
});

test('slack and telegram show the audit head the notification carries', () => {
  const audit_head = { seq: 17, hash: 'ab'.repeat(32) };
  const n = notification({ audit_head });
  const slack = JSON.stringify(slackRequest({ url: 'https://hooks.slack.test/x' }, n).body);
  assert.ok(slack.includes(`*Audit head:* 17:${audit_head.hash}`), slack);
  const telegram = telegramRequest({ bot_token_env: 'T', chat_id: 1, api_url: 'https://api.telegram.test' }, n, TOKEN).body as { text: string };
  assert.ok(telegram.text.split('\n').includes(`Audit head: 17:${audit_head.hash}`), telegram.text);
  assert.doesNotMatch(JSON.stringify(slackRequest({ url: 'https://hooks.slack.test/x' }, notification()).body), /Audit head/);
});
