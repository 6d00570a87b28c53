/**
 * Checksums of a release, written when it is made (`.rewind-checksums`, in
 * sha256sum's format) and checked on the host that holds it, so "intact"
 * means the files the release was made with still have their bytes. Files
 * the app adds later (caches, logs) do not count against it.
 */
import { join } from 'node:path';
import type { Exec, Files } from '../../core/ports.js';
import { commandFailed } from './failures.js';
import { MANIFEST_FILE } from './layout.js';

export const CHECKSUMS_FILE = '.rewind-checksums';

const TIMEOUT_MS = 120_000;

export async function writeChecksums(exec: Exec, files: Files, dir: string): Promise<void> {
  const result = await exec.run(
    ['find', '.', '-type', 'f', '!', '-name', MANIFEST_FILE, '!', '-name', CHECKSUMS_FILE, '-exec', 'sha256sum', '--', '{}', '+'],
    { cwd: dir, timeoutMs: TIMEOUT_MS },
  );
  if (result.code !== 0) throw commandFailed('BUILD_FAILED', `cannot checksum ${dir}`, result);
  const lines = result.stdout.split('\n').filter((line) => line !== '').sort();
  await files.writeFile(join(dir, CHECKSUMS_FILE), `${lines.join('\n')}\n`);
}

/** True when every file listed still has its checksum. */
export async function checksumsHold(exec: Exec, dir: string): Promise<boolean> {
  const result = await exec
    .run(['sha256sum', '--quiet', '--status', '-c', CHECKSUMS_FILE], { cwd: dir, timeoutMs: TIMEOUT_MS })
    .catch(() => undefined);
  return result?.code === 0;
}
