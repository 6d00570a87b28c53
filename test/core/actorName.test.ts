import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertActorName, hasControlCharacters } from '../../src/core/actorName.js';
import { RewindError } from '../../src/core/errors.js';

test('a name on one line passes as it is', () => {
  for (const name of ['alice@example.com', 'Zoë Brontë', 'deploy-bot (ci)', "o'brien", '**bold** [x](y)']) {
    assert.equal(assertActorName(name, 'REWIND_USER'), name);
  }
});

test('control, format and separator characters are refused with one line naming the source and the character', () => {
  for (const [name, code] of [['a\nb', 'U+000A'], ['a\rb', 'U+000D'], ['a\x1b[2J', 'U+001B'], ['a\tb', 'U+0009'], ['boss\u202e', 'U+202E'],
    ['bo\u200bss', 'U+200B'], ['a\u2028b', 'U+2028'], ['a\x85b', 'U+0085']] as const) {
    assert.ok(hasControlCharacters(name), JSON.stringify(name));
    assert.throws(() => assertActorName(name, 'REWIND_USER'), (error: unknown) => {
      assert.ok(error instanceof RewindError);
      assert.equal(error.code, 'UNSAFE_ACTOR');
      assert.equal(error.exitCode, 2);
      assert.ok(error.message.startsWith(`REWIND_USER ${JSON.stringify(name)} holds a control character (${code})`), error.message);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  }
});
