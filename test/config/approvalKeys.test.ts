import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../src/config/parse.js';
import { RewindError } from '../../src/core/errors.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';

const withApproval = (lines: string): string => `${MINIMAL_CONFIG}    approval:\n${lines}`;

test('approval.allowed_signers is a path; approvers must be names on one line', () => {
  const config = parseConfigText(withApproval('      approvers: [boss@example.com]\n      allowed_signers: ./allowed_signers\n'), 'rewind.yaml');
  assert.equal(config.environments.production?.approval.allowed_signers, './allowed_signers');
  assert.equal(parseConfigText(MINIMAL_CONFIG, 'rewind.yaml').environments.production?.approval.allowed_signers, undefined);

  for (const name of ['"boss@example.com\\n- approved by: eve"', '"ops\\e[2J"', '"boss\\u202e"']) {
    assert.throws(() => parseConfigText(withApproval(`      approvers: [${name}]\n`), 'rewind.yaml'), (error: unknown) => {
      assert.ok(error instanceof RewindError && error.code === 'CONFIG_INVALID');
      assert.match(error.message, /rewind\.yaml:9: environments\.production\.approval\.approvers\[0\]: expected a name on one line, without control characters/);
      return true;
    }, name);
  }
});
