import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withConfigReference } from '../../src/config/readmeSection.js';
import { configReference } from '../../src/config/reference.js';

const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));

test('the README configuration reference is what the generator produces today', async () => {
  const readme = await readFile(readmePath, 'utf8');
  assert.ok(readme === withConfigReference(readme, configReference()), 'README.md configuration reference is out of date: run `npx tsx scripts/gen-config-reference.ts`');
});

test('the reference lists every key with its dotted path, type and default', () => {
  const reference = configReference();
  assert.match(reference, /^\| `environments\.<name>\.releases\.path` \| string \| \*\*required\*\* \| /m);
  assert.match(reference, /^\| `environments\.<name>\.health\.timeout` \| duration \| `30s` \| /m);
  assert.match(reference, /^\| `state\.backend` \| `sqlite` or `postgres` \| `sqlite` \| /m);
  assert.match(reference, /^\| `environments\.<name>\.smoke` \| list of commands \| `\[\]` \| /m);
});

test('withConfigReference replaces only the text between the markers', () => {
  const readme = '# x\n<!-- config-reference:start -->\nold\n<!-- config-reference:end -->\nafter\n';
  assert.equal(withConfigReference(readme, 'new'), '# x\n<!-- config-reference:start -->\nnew\n<!-- config-reference:end -->\nafter\n');
  assert.throws(() => withConfigReference('# no markers\n', 'new'), /markers/);
});
