import { lstat, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { RewindError } from '../core/errors.js';
import { assertAppName, sanitizeAppName } from './appName.js';
import { CONFIG_FILE_NAMES } from './load.js';
import { parseConfigText } from './parse.js';
import { starterConfig } from './starter.js';

export interface InitOptions {
  dir: string;
  /** Default: package.json's name, else the directory's name, made into a valid app name. */
  app?: string;
  force: boolean;
  /** The only way this writes: the caller's guarded writer. */
  write: (path: string, text: string) => Promise<void>;
}

/** Write a starter rewind.yaml into `dir`; refuses to replace an existing config unless forced. */
export async function initConfig(options: InitOptions): Promise<{ file: string; app: string }> {
  const dir = resolve(options.dir);
  const file = join(dir, 'rewind.yaml');
  if (!options.force) {
    for (const name of CONFIG_FILE_NAMES) {
      const existing = join(dir, name);
      if (await exists(existing)) {
        throw new RewindError(
          'CONFIG_EXISTS',
          `${existing} already exists; pass --force to replace ${name === 'rewind.yaml' ? 'it' : 'it with rewind.yaml'}`,
          { file: existing },
        );
      }
    }
  }
  const app = options.app === undefined ? await defaultAppName(dir) : assertAppName(options.app);
  const text = starterConfig({ app });
  // A starter that does not load would be a poor first impression; check before writing.
  parseConfigText(text, 'starter rewind.yaml');
  await options.write(file, text);
  return { file, app };
}

async function defaultAppName(dir: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    if (typeof pkg.name === 'string' && pkg.name.trim() !== '') return sanitizeAppName(pkg.name);
  } catch {
    // No package.json, or not JSON: the directory name will do.
  }
  return sanitizeAppName(basename(dir));
}

async function exists(path: string): Promise<boolean> {
  try {
    // lstat: a dangling symlink named rewind.yaml still counts as existing.
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
