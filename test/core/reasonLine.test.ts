import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasonLine } from '../../src/core/reasonLine.js';

test('the reason, not the closing remark: tar, npm and git', () => {
  const tar = 'tar: server.js: Cannot write: No space left on device\ntar: REVISION: Cannot write: No space left on device\ntar: Exiting with failure status due to previous errors\n';
  assert.equal(reasonLine(tar), 'tar: REVISION: Cannot write: No space left on device');
  const npm = 'npm error code ENOENT\nnpm error enoent Could not read package.json\nnpm error A complete log of this run can be found in: /root/.npm/_logs/x.log\n';
  assert.equal(reasonLine(npm), 'npm error enoent Could not read package.json');
  const git = "error: pathspec 'v9' did not match any file(s) known to git\nhint: try git fetch\n";
  assert.equal(reasonLine(git), "error: pathspec 'v9' did not match any file(s) known to git");
});

test('otherwise the last line that says anything', () => {
  assert.equal(reasonLine('building\n  step 2 failed  \n\n'), 'step 2 failed');
  assert.equal(reasonLine(''), '');
  assert.equal(reasonLine('tar: Exiting with failure status due to previous errors'), '');
});
