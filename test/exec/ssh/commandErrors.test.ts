import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemoteFileError, remoteFileError } from '../../../src/exec/ssh/commandErrors.js';
import { FAILURE, isRemoteFailure, isRemoteMissing, NO_SUCH_FILE, PERMISSION_DENIED } from '../../../src/exec/ssh/remoteOps.js';

test('a file command\'s own words become SFTP\'s status codes, and its reason the message', () => {
  const cases: Array<[string, number, string]> = [
    ["stat: cannot statx '/srv/x': No such file or directory", NO_SUCH_FILE, 'No such file or directory'],
    ["ls: cannot access '/srv/f/': Not a directory", NO_SUCH_FILE, 'Not a directory'],
    ['sh: 1: cannot open /srv/x: No such file', NO_SUCH_FILE, 'No such file'],
    ['sh: 1: cannot create /srv/x/y: Directory nonexistent', NO_SUCH_FILE, 'Directory nonexistent'],
    ["realpath: '/srv/loop': Too many levels of symbolic links", NO_SUCH_FILE, 'Too many levels of symbolic links'],
    ['cat: /srv/secret: Permission denied', PERMISSION_DENIED, 'Permission denied'],
    ["rm: cannot remove '/srv/x': Operation not permitted", PERMISSION_DENIED, 'Operation not permitted'],
    ['cat: write error: No space left on device', FAILURE, 'No space left on device'],
    ["mkdir: cannot create directory '/ro/x': Read-only file system", FAILURE, 'Read-only file system'],
    ['cat: /srv/dir: Is a directory', FAILURE, 'Is a directory'],
  ];
  for (const [said, code, reason] of cases) {
    const error = remoteFileError('write', 1, `some earlier line\n${said}\n`);
    assert.ok(error instanceof RemoteFileError, said);
    assert.equal(error.code, code, said);
    assert.equal(error.message, reason);
    assert.equal(isRemoteMissing(error), code === NO_SUCH_FILE);
    assert.equal(isRemoteFailure(error), code === FAILURE);
  }
});

test('silence says which operation failed with what status; no exit status means the connection went', () => {
  const silent = remoteFileError('rename', 3, '');
  assert.equal(silent.message, 'rename exited with 3');
  assert.equal(isRemoteFailure(silent), true);
  const lost = remoteFileError('stat', undefined, '');
  assert.equal(lost.message, 'the connection ended before stat finished');
  assert.equal(isRemoteMissing(lost) || isRemoteFailure(lost), false);
});
