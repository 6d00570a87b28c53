import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretName, redact, secretsInUrls } from '../../src/core/redact.js';
import { secretsFromEnv } from '../../src/exec/redact.js';

test('redact replaces every occurrence of every secret', () => {
  assert.equal(redact('token=hunter22 again hunter22.', ['hunter22']), 'token=*** again ***.');
});

test('redact treats secrets literally, not as patterns', () => {
  assert.equal(redact('p=a.b*c+d(e)$ and axbbbcd', ['a.b*c+d(e)$']), 'p=*** and axbbbcd');
  assert.equal(redact('x [a-z]+ y', ['[a-z]+']), 'x *** y');
  assert.equal(redact('$& $1 $$', ['$& $1']), '*** $$');
});

test('redact ignores empty and very short secrets', () => {
  assert.equal(redact('abc 123 x', ['', 'abc', '12', 'x']), 'abc 123 x');
  assert.equal(redact('abcd', ['abcd']), '***');
});

test('redact hides nested and overlapping secrets entirely', () => {
  // A shorter secret inside a longer one, listed first.
  assert.equal(redact('key=supersecret!', ['secret', 'supersecret']), 'key=***!');
  // Two secrets overlapping: no fragment of either survives.
  assert.equal(redact('xxabcdefyy', ['abcd', 'cdef']), 'xx***yy');
  // Self-overlapping occurrences.
  assert.equal(redact('aaaaaa b', ['aaaa']), '*** b');
});

test('redact handles multi-line secrets and unicode', () => {
  const key = '-----BEGIN KEY-----\nMIIEv\n-----END KEY-----';
  assert.equal(redact(`before\n${key}\nafter`, [key]), 'before\n***\nafter');
  assert.equal(redact('pässwörd😀 ok', ['pässwörd😀']), '*** ok');
});

test('redact of truncated output hides a secret cut at the start', () => {
  assert.equal(redact('cret and more', ['supersecret'], { truncatedStart: true }), '*** and more');
  assert.equal(redact('cret and more', ['supersecret']), 'cret and more');
});

test('redact leaves text without secrets untouched', () => {
  assert.equal(redact('', ['secret']), '');
  assert.equal(redact('plain text', []), 'plain text');
});

test('isSecretName recognises secret-looking variable names', () => {
  for (const name of ['GITHUB_TOKEN', 'npm_token', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'MYSQL_PASSWD', 'API_KEY', 'APIKEY', 'STRIPE_KEY', 'GOOGLE_APPLICATION_CREDENTIALS', 'DATABASE_URL', 'REWIND_DATABASE_URL', 'SLACK_WEBHOOK_URL', 'SENTRY_DSN', 'NPM_CONFIG__AUTH', 'SSH_PASS', 'GHTOKEN']) {
    assert.ok(isSecretName(name), name);
  }
  for (const name of ['PATH', 'HOME', 'PWD', 'OLDPWD', 'SSH_AUTH_SOCK', 'KEYBOARD_LAYOUT', 'LANG', 'NODE_ENV', 'USER', 'PASSAGE']) {
    assert.ok(!isSecretName(name), name);
  }
});

test('secretsFromEnv returns secret values and URL passwords, nothing else', () => {
  const found = secretsFromEnv({
    GITHUB_TOKEN: 'ghp_abcdefghijklmnop',
    DATABASE_URL: 'postgres://app:s3cr%40t-pw@db.internal:5432/shop',
    UPSTREAM: 'https://deploy:hunter22@git.example.com/repo.git',
    PLAIN_URL: 'https://example.com/path',
    SSH_HOST: 'ssh://deploy@web1:22',
    HOME: '/root',
    FEATURE_TOKEN_ENABLED: 'true',
    SHORT_SECRET: 'abc',
    UNSET_KEY: undefined,
  });
  assert.ok(found.includes('ghp_abcdefghijklmnop'));
  assert.ok(found.includes('postgres://app:s3cr%40t-pw@db.internal:5432/shop'));
  assert.ok(found.includes('s3cr%40t-pw'), 'raw URL password');
  assert.ok(found.includes('s3cr@t-pw'), 'decoded URL password');
  assert.ok(found.includes('hunter22'));
  assert.ok(!found.includes('/root'));
  assert.ok(!found.includes('deploy'), 'user names are not secrets');
  assert.ok(!found.includes('true'));
  assert.ok(!found.includes('abc'));
  assert.ok(!found.some((value) => value.includes('example.com/path')));
});

test('secretsInUrls finds several credentials and tolerates bad escapes', () => {
  const text = 'a=https://u:p4ss@h1/x b=redis://:r3disPW@h2:6379 c=ftp://x:%E0%A4%A@h3';
  const found = secretsInUrls(text);
  assert.deepEqual(found, ['p4ss', 'r3disPW', '%E0%A4%A']);
  assert.equal(redact(text, found), 'a=https://u:***@h1/x b=redis://:***@h2:6379 c=ftp://x:***@h3');
});
