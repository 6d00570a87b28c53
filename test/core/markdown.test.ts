import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeMarkdown, markdownKit } from '../../src/core/markdown.js';

const { md, code, url, document } = markdownKit();

test('a value stays on its line: every kind of line break becomes a space', () => {
  for (const br of ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085']) {
    assert.equal(md`- requested by: ${`mallory${br}- approved by: boss`}`.text, '- requested by: mallory - approved by: boss');
  }
  assert.equal(document([md`- reason: ${'x\n\n## Risks\n\n- none found'}`]), '- reason: x  ## Risks  - none found');
});

test('links, images, HTML, code spans, emphasis, strikethrough and table cells are escaped wherever they are', () => {
  assert.equal(
    md`- by: ${'[boss](https://evil.example) ![i](x) <!-- `c` **b** ~~s~~ a|b \\'}`.text,
    '- by: \\[boss\\](https://evil.example) !\\[i\\](x) \\<!-- \\`c\\` \\*\\*b\\*\\* \\~\\~s\\~\\~ a\\|b \\\\',
  );
  assert.equal(md`| ${'a | b'} |`.text, '| a \\| b |');
});

test('a value at the start of a line cannot open a block; in the middle of one it reads as it always did', () => {
  assert.equal(md`${'# heading'}`.text, '\\# heading');
  for (const opener of ['- item', '+ item', '> quote', '=====', '1. item', '12) item', '   # indented']) {
    const line = md`${opener}`.text;
    assert.doesNotMatch(line, /^( {0,3}(#|-|\+|>|=|\d+[.)])| {4})/, `${opener} -> ${line}`);
  }
  assert.equal(md`${'1. item'}`.text, '1\\. item');
  assert.equal(md`x\n${'- item'}`.text, 'x\n\\- item');
  assert.equal(md`- step: ${'current -> v2'}, ${'- not a list'} #${'1. no'}`.text, '- step: current -> v2, - not a list #1. no');
});

test('an underscore inside a word is left alone; one that could open emphasis is escaped', () => {
  assert.equal(md`${'mark v3 rolled_back, 002_add_note'}`.text, 'mark v3 rolled_back, 002_add_note');
  assert.equal(md`${'_em_ __init__ a_'}`.text, '\\_em\\_ \\_\\_init\\_\\_ a\\_');
  // At the edges of a value, the template's own letters count as neighbours.
  assert.equal(md`x${'_'}y`.text, 'x_y');
});

test('control and bidirectional characters become visible, so a printed file cannot act on a terminal', () => {
  assert.equal(md`${'a\x1b[2Jb\x07c\u202ed\x7f'}`.text, 'a\\x1b\\[2Jb\\x07c\\u202ed\\x7f');
  assert.equal(escapeMarkdown('tab\there'), 'tab here');
});

test('numbers and Markdown pass through; text is escaped', () => {
  const bold = md`**${'*x*'}**`;
  assert.equal(md`${3}. ${bold}`.text, '3. **\\*x\\***');
});

test('secrets are redacted before escaping: no backslash hides one from the last pass', () => {
  const secret = 'pa|ss_w*rd';
  const kit = markdownKit([secret]);
  assert.equal(kit.md`- ${`token ${secret}, again:${secret}`}`.text, '- token ***, again:***');
  assert.equal(kit.document([kit.md`x`, kit.md`${'y'}`]), 'x\ny');
  assert.equal(kit.code(`a ${secret}`).text, '`a ***`');
  assert.equal(kit.md`${secret}`.text, '\\*\\*\\*', 'a rule, had it been left as it is');
});

test('code spans hold any text, and link destinations cannot be ended early', () => {
  assert.equal(code('.pipeline/P5/a.md').text, '`.pipeline/P5/a.md`');
  assert.equal(code('a `b` c').text, '``a `b` c``');
  assert.equal(code('`x').text, '`` `x ``');
  assert.equal(code('two\nlines').text, '`two lines`');
  assert.equal(url('../rollbacks/r 1/(x).md').text, '../rollbacks/r%201/%28x%29.md');
});
