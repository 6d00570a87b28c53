import { initConfig, type InitOptions } from '../config/init.js';
import { createGuardedFiles } from '../exec/guardedFiles.js';

/**
 * `rewind init`: a starter rewind.yaml written through the write guard. There
 * is no config yet to take write roots from, so the only root is the project
 * directory itself, and the only file written is the new rewind.yaml in it.
 */
export async function initProject(options: Omit<InitOptions, 'write'>): Promise<{ file: string; app: string }> {
  const files = createGuardedFiles([options.dir]);
  return initConfig({ ...options, write: (path, text) => files.writeFileAtomic(path, text) });
}
