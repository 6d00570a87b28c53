import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalText } from '../../src/core/terminalText.js';

test('escape sequences are removed whole: colours, cursor moves, titles, hyperlinks, 8-bit CSI', () => {
  assert.equal(terminalText('v1\x1b[31m red \x1b[0m'), 'v1 red ');
  assert.equal(terminalText('a\x1b[2J\x1b[1;1Hb'), 'ab');
  assert.equal(terminalText('x\x1b]0;owned\x07y'), 'xy');
  assert.equal(terminalText('x\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\y'), 'xclicky');
  assert.equal(terminalText('a\x9b2Jb'), 'ab');
  assert.equal(terminalText('a\x1bPq#0;2;0;0;0\x1b\\b'), 'ab', 'a device control string');
  assert.equal(terminalText('a\x1b7b\x1b8c'), 'abc', 'save and restore the cursor');
  assert.equal(terminalText('cut short\x1b['), 'cut short');
  assert.equal(terminalText('title never closed\x1b]0;rest of the line\nnext row'), 'title never closed\nnext row');
});

test('other control characters go; line feeds and tabs stay; text is left alone', () => {
  assert.equal(terminalText('ok\rFAILED'), 'okFAILED', 'a carriage return cannot print over a line');
  assert.equal(terminalText('a\bb\x00c\x7fd\u0085e'), 'abcde');
  assert.equal(terminalText('boss\u202e@example.com'), 'boss@example.com');
  assert.equal(terminalText('releases:\nv1\t-  ok ✔ → ü'), 'releases:\nv1\t-  ok ✔ → ü');
});
