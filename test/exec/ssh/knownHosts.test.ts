import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { checkHostKey, entriesForHost, hashHostName, parseKnownHosts } from '../../../src/exec/ssh/knownHosts.js';
import { tempDir } from '../../helpers/tmp.js';

const run = promisify(execFile);

/** Fake but well-formed blobs: only equality matters to the check. */
const KEY_A = Buffer.from('ssh-ed25519 key A for tests').toString('base64');
const KEY_B = Buffer.from('ssh-ed25519 key B for tests').toString('base64');
const RSA = Buffer.from('ssh-rsa key for tests').toString('base64');
const web1 = { host: 'web1', port: 22 };
const web1alt = { host: 'web1', port: 2222 };

test('comments, blank lines and malformed lines are skipped; the rest is parsed', () => {
  const entries = parseKnownHosts([
    '# a comment',
    '',
    `web1,10.0.0.1 ssh-ed25519 ${KEY_A} deploy@laptop`,
    'only-two-fields ssh-ed25519',
    'bad-key ssh-ed25519 !!!notbase64',
    `@unknown-marker web1 ssh-ed25519 ${KEY_B}`,
    `  [web1]:2222\tssh-rsa ${RSA}`,
  ].join('\n'));
  assert.equal(entries.length, 2);
  assert.deepEqual(entries[0]?.patterns, ['web1', '10.0.0.1']);
  assert.equal(entries[0]?.line, 3);
  assert.equal(entries[1]?.keyType, 'ssh-rsa');
});

test('known, unknown, changed', () => {
  const entries = parseKnownHosts(`web1,10.0.0.1 ssh-ed25519 ${KEY_A}\n[web1]:2222 ssh-rsa ${RSA}\n`);
  assert.equal(checkHostKey(entries, web1, 'ssh-ed25519', KEY_A), 'known');
  assert.equal(checkHostKey(entries, { host: '10.0.0.1', port: 22 }, 'ssh-ed25519', KEY_A), 'known');
  assert.equal(checkHostKey(entries, web1, 'ssh-ed25519', KEY_B), 'changed');
  assert.equal(checkHostKey(entries, { host: 'web2', port: 22 }, 'ssh-ed25519', KEY_A), 'unknown');
  // Port 22 and other ports are different names.
  assert.equal(checkHostKey(entries, web1alt, 'ssh-ed25519', KEY_A), 'unknown', 'only an rsa key is recorded for port 2222');
  assert.equal(checkHostKey(entries, web1alt, 'ssh-rsa', RSA), 'known');
  assert.equal(checkHostKey(entries, { host: 'web1', port: 2200 }, 'ssh-rsa', RSA), 'unknown');
  // Host names are matched without regard to case.
  assert.equal(checkHostKey(entries, { host: 'WEB1', port: 22 }, 'ssh-ed25519', KEY_A), 'known');
});

test('a second entry for the same host and type may hold the key', () => {
  const entries = parseKnownHosts(`web1 ssh-ed25519 ${KEY_B}\nweb1 ssh-ed25519 ${KEY_A}\n`);
  assert.equal(checkHostKey(entries, web1, 'ssh-ed25519', KEY_A), 'known');
});

test('hashed entries match the host name they hash, port included', () => {
  const salt = randomBytes(20);
  const entries = parseKnownHosts(`${hashHostName('web1', salt)} ssh-ed25519 ${KEY_A}\n${hashHostName('[web1]:2222', randomBytes(20))} ssh-ed25519 ${KEY_B}\n`);
  assert.equal(checkHostKey(entries, web1, 'ssh-ed25519', KEY_A), 'known');
  assert.equal(checkHostKey(entries, web1, 'ssh-ed25519', KEY_B), 'changed');
  assert.equal(checkHostKey(entries, web1alt, 'ssh-ed25519', KEY_B), 'known');
  assert.equal(checkHostKey(entries, { host: 'web2', port: 22 }, 'ssh-ed25519', KEY_A), 'unknown');
});

test('entries hashed by the real ssh-keygen -H are matched', async (t) => {
  const dir = await tempDir(t);
  await run('ssh-keygen', ['-t', 'ed25519', '-N', '', '-q', '-f', join(dir, 'key')]);
  const [type, key] = (await readFile(join(dir, 'key.pub'), 'utf8')).split(' ') as [string, string];
  const file = join(dir, 'known_hosts');
  await writeFile(file, `web1 ${type} ${key}\n[10.0.0.9]:2222 ${type} ${key}\n`);
  await run('ssh-keygen', ['-H', '-f', file]);
  const entries = parseKnownHosts(await readFile(file, 'utf8'));
  assert.equal(entries.length, 2);
  assert.ok(entries.every((entry) => entry.hashed !== undefined && entry.patterns === undefined), 'both lines were hashed');
  assert.equal(checkHostKey(entries, web1, type, key), 'known');
  assert.equal(checkHostKey(entries, { host: '10.0.0.9', port: 2222 }, type, key), 'known');
  assert.equal(checkHostKey(entries, { host: '10.0.0.9', port: 22 }, type, key), 'unknown');
  assert.equal(checkHostKey(entries, web1, type, KEY_A), 'changed');
  assert.equal(parseKnownHosts(`|1|short|short ssh-ed25519 ${KEY_A}`).length, 0, 'a malformed hash is skipped');
});

test('@revoked keys are refused (as changed) for any host; @cert-authority lines are not host keys', () => {
  const entries = parseKnownHosts(`@revoked * ssh-ed25519 ${KEY_A}\nweb1 ssh-ed25519 ${KEY_A}\n@cert-authority *.example.com ssh-ed25519 ${KEY_B}\n`);
  assert.equal(checkHostKey(entries, web1, 'ssh-ed25519', KEY_A), 'changed');
  assert.equal(checkHostKey(entries, { host: 'a.example.com', port: 22 }, 'ssh-ed25519', KEY_B), 'unknown');
  assert.deepEqual(entriesForHost(entries, web1).map((entry) => entry.line), [2]);
});

test('wildcards and negation, as ssh(1) matches them', () => {
  const entries = parseKnownHosts(`*.example.com,!bad.example.com ssh-ed25519 ${KEY_A}\nweb? ssh-ed25519 ${KEY_B}\n[10.0.0.*]:2222 ssh-rsa ${RSA}\n`);
  assert.equal(checkHostKey(entries, { host: 'a.example.com', port: 22 }, 'ssh-ed25519', KEY_A), 'known');
  assert.equal(checkHostKey(entries, { host: 'bad.example.com', port: 22 }, 'ssh-ed25519', KEY_A), 'unknown');
  assert.equal(checkHostKey(entries, { host: 'web7', port: 22 }, 'ssh-ed25519', KEY_B), 'known');
  assert.equal(checkHostKey(entries, { host: 'web17', port: 22 }, 'ssh-ed25519', KEY_B), 'unknown');
  assert.equal(checkHostKey(entries, { host: '10.0.0.5', port: 2222 }, 'ssh-rsa', RSA), 'known');
  // Dots are literal, not "any character".
  assert.equal(checkHostKey(entries, { host: 'axexample.com', port: 22 }, 'ssh-ed25519', KEY_A), 'unknown');
});
