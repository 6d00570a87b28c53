import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gitSchema } from '../../../src/drivers/git/schema.js';

test('the git section needs only a path; the rest has defaults', () => {
  assert.deepEqual(gitSchema.parse({ path: '/srv/shop' }), {
    path: '/srv/shop',
    remote: 'origin',
    install: [['npm', 'ci', '--omit=dev']],
    build: [],
    preflight: true,
    allow_dirty: false,
  });
  const full = { path: 'app', remote: false, install: [], build: [['npm', 'run', 'build']], preflight: false, allow_dirty: true };
  assert.deepEqual(gitSchema.parse(full), full);
  assert.equal(gitSchema.parse({ path: 'app', remote: 'upstream' }).remote, 'upstream');
});

test('the git section refuses what it does not know and what could be read as a flag', () => {
  const issue = (input: unknown): string => {
    const result = gitSchema.safeParse(input);
    assert.equal(result.success, false, JSON.stringify(input));
    return result.error?.issues.map((one) => `${one.path.join('.')}: ${one.message}`).join('; ') ?? '';
  };
  assert.match(issue({}), /path/);
  assert.match(issue({ path: '/srv/shop', keep: 5 }), /keep/);
  assert.match(issue({ path: '/srv/shop', remote: '--upload-pack=evil' }), /remote/);
  assert.match(issue({ path: '/srv/shop', remote: true }), /remote/);
  assert.match(issue({ path: '/srv/shop', remote: 'a/../b' }), /remote/);
  assert.match(issue({ path: '/srv/shop', build: 'npm run build' }), /build: expected a list of commands/);
  assert.match(issue({ path: '/srv/shop', build: ['npm run build'] }), /argument array/);
  assert.match(issue({ path: '/srv/shop', install: [['npm', 'ci', '{bogus}']] }), /unknown placeholder \{bogus\}/);
});

test('every key of the git section is described', () => {
  for (const [key, schema] of Object.entries(gitSchema.shape)) {
    const description = (schema as { meta(): { description?: string } | undefined }).meta()?.description;
    assert.ok(description !== undefined && description.length > 10, `git.${key} has no description`);
  }
});
