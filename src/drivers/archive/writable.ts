/**
 * Can this user write the store? Asked before a deploy packs anything and
 * before a rollback is planned (its backup goes there), so a store that is
 * not writable is one line and nothing changed, not a failure halfway.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Files } from '../../core/ports.js';

/** Why the store cannot be written, or undefined when it can (or can be made, under a writable parent). */
export async function storeProblem(files: Files, store: string): Promise<string | undefined> {
  let dir = store;
  while (!(await files.exists(dir))) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const real = await files.realpath(dir);
  const found = real === undefined ? undefined : await files.stat(real);
  if (found?.type !== 'dir') return `archive.store ${store}: ${dir} is not a directory`;
  try {
    await access(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'refused';
    return `archive.store ${store} is not writable by this user (${code} on ${dir}): fix its permissions or set archive.store to ` +
      'a directory this user can write';
  }
}
