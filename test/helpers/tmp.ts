import { mkdtemp, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/**
 * A fresh temp dir (real path, no symlinks) removed when the test ends,
 * after `beforeRemove` (say, stopping a daemon that lives in it) has run.
 */
export async function tempDir(t: TestContext, prefix = 'rewind-test-', beforeRemove?: (dir: string) => Promise<unknown>): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  t.after(async () => {
    await beforeRemove?.(dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}
