import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, csvLine } from '../../src/operations/reports/csv.js';
import { parseCsv } from './csvParse.js';

test('a cell a spreadsheet would run as a formula gets a leading quote', () => {
  assert.equal(csvField('=HYPERLINK("https://evil.example","x")'), `"'=HYPERLINK(""https://evil.example"",""x"")"`);
  for (const text of ['+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '＝1', '＋1', '－1', '＠x']) {
    const [row] = parseCsv(csvLine([text]));
    assert.equal(row?.[0], `'${text}`, JSON.stringify(text));
  }
});

test('ordinary text, numbers and empty cells are written as they are', () => {
  assert.equal(csvLine(['v1.2', 'a=b', 'x-y', -1.5, 0, true, null, 'alice@example.com']), 'v1.2,a=b,x-y,-1.5,0,true,,alice@example.com\n');
});

test('neutralised after redaction: a secret at the start is hidden, not quoted around', () => {
  assert.equal(csvField('=s3cr3t-value, then', ['=s3cr3t-value']), '"***, then"');
  assert.equal(csvField('s3cr3t=x', ['s3cr3t']), '***=x');
});
