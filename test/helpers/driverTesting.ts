import assert from 'node:assert/strict';
import { isRewindError, type ErrorCode } from '../../src/core/errors.js';
import type { Exec } from '../../src/core/ports.js';

/** An assertion callback for assert.rejects: a one-line RewindError with this code. */
export function rewindError(code: ErrorCode, ...patterns: RegExp[]): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isRewindError(error), `expected a RewindError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

/** A git identity and config of the test's own, whatever the machine's ~/.gitconfig says. */
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function git(exec: Exec, cwd: string, ...args: string[]): Promise<string> {
  const result = await exec.run(['git', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd, env: GIT_ENV });
  assert.equal(result.code, 0, `git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}
