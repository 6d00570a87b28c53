import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { RewindError } from '../core/errors.js';
import { realpathDeep } from '../exec/realPaths.js';
import { configProblemsError, parseConfigText } from './parse.js';
import { pathProblems } from './safePaths.js';
import type { LoadedConfig } from './loaded.js';

export const CONFIG_FILE_NAMES = ['rewind.yaml', 'rewind.yml'] as const;

export type { LoadedConfig } from './loaded.js';

/** The nearest rewind.yaml (then rewind.yml) in startDir or any parent. */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (isFile(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Find (or take `file`, relative to cwd), read, parse and validate the
 * configuration, paths included: a place to write that could do damage (`/`,
 * a system directory, the config's own directory) is refused here, before any
 * command has opened or written anything. `home` defaults to the OS user's.
 */
export async function loadConfig(options: { cwd: string; file?: string; home?: string }): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd);
  const file = options.file === undefined ? findConfigFile(cwd) : resolve(cwd, options.file);
  if (file === undefined) {
    throw new RewindError(
      'CONFIG_NOT_FOUND',
      `no rewind.yaml or rewind.yml in ${cwd} or any parent directory; run \`rewind init\` or pass --config FILE`,
      { searched: cwd },
    );
  }
  const text = await readConfig(file, options.file);
  const label = displayName(cwd, file);
  const config = parseConfigText(text, label);
  const problems = await pathProblems(config, { configDir: dirname(file), home: options.home ?? homedir(), realpath: lenientRealpath });
  if (problems.length > 0) throw configProblemsError(text, label, problems);
  return { file, dir: dirname(file), config, text, label };
}

async function readConfig(file: string, given: string | undefined): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const named = given === undefined ? file : `--config ${given}${given === file ? '' : ` (${file})`}`;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new RewindError('CONFIG_NOT_FOUND', `config file not found: ${named}`, { file }, { cause: error });
    }
    if (code === 'EISDIR') {
      throw new RewindError(
        'CONFIG_NOT_FOUND',
        `config file ${named} is a directory; name the file itself, e.g. ${join(given ?? file, 'rewind.yaml')}`,
        { file },
        { cause: error },
      );
    }
    throw new RewindError('CONFIG_INVALID', `cannot read config file ${named}: ${code ?? String(error)}`, { file }, { cause: error });
  }
}

/** The file as messages name it: relative to cwd when that is shorter. */
function displayName(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel !== '' && rel.length < file.length ? rel : file;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}


/** Where a path really lands; as written when that cannot be found out (no permission): the write guard still judges it then. */
function lenientRealpath(path: string): Promise<string> {
  return realpathDeep(path).catch(() => path);
}
