import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact } from '../../src/core/redact.js';
import { isPostgresUrl, postgresLabel, postgresSecrets } from '../../src/ledger/postgresUrl.js';

test('a PostgreSQL URL is shown without its password, wherever the password is', () => {
  assert.equal(postgresLabel('postgres://rewind:s3cr%40t!@db.internal:5432/rewind?sslmode=require'), 'postgres://rewind:***@db.internal:5432/rewind?sslmode=require');
  assert.equal(postgresLabel('postgres://rewind@db.internal/rewind'), 'postgres://rewind@db.internal/rewind');
  assert.equal(postgresLabel('postgresql://db/rewind?user=u&password=hunter22'), 'postgresql://db/rewind?user=u&password=***');
  assert.equal(postgresLabel('postgres://u:pw@[bad'), 'postgres://(unparsable URL)');
});

test('the secrets of a PostgreSQL URL cover the raw and the decoded password', () => {
  const url = 'postgres://rewind:s3cr%40t!@db.internal:5432/rewind?password=other-pw';
  const secrets = postgresSecrets(url);
  for (const form of ['s3cr%40t!', 's3cr@t!', 'other-pw']) assert.ok(secrets.includes(form), `${form} in ${secrets.join(', ')}`);
  const text = `tried ${url}, then s3cr@t! by hand`;
  assert.equal(/s3cr|other-pw/.test(redact(text, secrets)), false, redact(text, secrets));
  assert.deepEqual(postgresSecrets('postgres://rewind@db/rewind'), []);
  assert.deepEqual(postgresSecrets('postgres://u:pw@[bad'), ['postgres://u:pw@[bad'], 'an unparsable URL is hidden whole');
});

test('only postgres:// and postgresql:// are PostgreSQL URLs', () => {
  assert.equal(isPostgresUrl('postgres://h/d'), true);
  assert.equal(isPostgresUrl('POSTGRESQL://h/d'), true);
  assert.equal(isPostgresUrl('mysql://h/d'), false);
  assert.equal(isPostgresUrl('/srv/ledger.sqlite'), false);
});
