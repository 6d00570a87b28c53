import { chmod, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Driver, DriverHost, SlotIo } from '../../../src/core/driver.js';
import type { Exec } from '../../../src/core/ports.js';
import { commandDriver } from '../../../src/drivers/command/module.js';
import { commandSchema } from '../../../src/drivers/command/schema.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { tempDir } from '../../helpers/tmp.js';

export { rewindError } from '../../helpers/driverTesting.js';

/**
 * A real "app" switched by real shell scripts, as a user of the command
 * driver would write them: versions wait in store/<v>/, fetch.sh copies one
 * into releases/<v>/, has-version.sh says whether it is there, switch.sh
 * swaps the `current` symlink atomically (ln + mv -T), live-version.sh
 * reads it back. Every script logs its name, arguments, cwd and REWIND_*
 * variables to log.txt, one line per run.
 */
export const SCRIPTS: Record<string, string> = {
  'log.sh': `#!/bin/sh
# Sourced by the others: one line per run in log.txt.
printf '%s|%s|%s|VERSION=%s|ENV=%s|RELEASE_DIR=%s|SHA=%s|RUN_ID=%s|USER=%s|PREVIOUS=%s\\n' "$(basename "$0")" "$*" "$PWD" \\
  "\${REWIND_VERSION-unset}" "\${REWIND_ENV-unset}" "\${REWIND_RELEASE_DIR-unset}" "\${REWIND_SHA-unset}" "\${REWIND_RUN_ID-unset}" "\${REWIND_USER-unset}" "\${REWIND_PREVIOUS_VERSION-unset}" >> "$LOG"
`,
  'fetch.sh': `#!/bin/sh
. "$(dirname "$0")/log.sh"
[ -d "store/$1" ] || { echo "fetching $1..."; echo "no such version in the store: $1" >&2; exit 3; }
mkdir -p releases && rm -rf "releases/$1.tmp" && cp -R "store/$1" "releases/$1.tmp" && mv "releases/$1.tmp" "releases/$1"
echo "fetched $1"
`,
  'has-version.sh': `#!/bin/sh
. "$(dirname "$0")/log.sh"
test -f "releases/$1/app.txt"
`,
  'switch.sh': `#!/bin/sh
. "$(dirname "$0")/log.sh"
[ -d "releases/$1" ] || { echo "releases/$1 does not exist" >&2; exit 4; }
ln -sfn "releases/$1" current.new && mv -T current.new current
echo "current -> $1"
`,
  'live-version.sh': `#!/bin/sh
. "$(dirname "$0")/log.sh"
[ -L current ] && basename "$(readlink current)"
exit 0
`,
  'args.sh': `#!/bin/sh
# Each argument on a line of its own, so a test can see how many there were.
. "$(dirname "$0")/log.sh"
for a in "$@"; do printf '<%s>\\n' "$a"; done >> args.txt
`,
  'fail.sh': `#!/bin/sh
. "$(dirname "$0")/log.sh"
echo "working on it"
echo "retrying once" >&2
echo "disk on fire" >&2
exit \${FAIL_CODE:-7}
`,
};

export interface CommandWorld {
  dir: string;
  log: string;
  exec: Exec;
  /** The driver made by the module from `section` (defaults filled by the schema), on this machine. */
  driver: (section: Record<string, unknown>, options?: { app?: string; env?: string; exec?: Exec; slot?: SlotIo }) => Driver;
  /** A store version the fetch script can copy: store/<v>/app.txt. */
  addVersion: (version: string) => Promise<void>;
  current: () => Promise<string | undefined>;
  /** The log lines written since the last call. */
  logLines: () => Promise<string[]>;
}

export const LOCAL: DriverHost = { name: 'local', address: '127.0.0.1', remote: false, base: '/' };

export async function makeCommandWorld(t: TestContext, name = 'app'): Promise<CommandWorld> {
  const base = await tempDir(t, 'rewind-command-');
  const dir = join(base, name);
  await mkdir(join(dir, 'store'), { recursive: true });
  for (const [file, text] of Object.entries(SCRIPTS)) {
    await writeFile(join(dir, file), text);
    await chmod(join(dir, file), 0o755);
  }
  const log = join(dir, 'log.txt');
  await writeFile(log, '');
  const exec = createLocalExec({ killGraceMs: 200 });
  const files = createGuardedFiles([]);
  let seen = 0;
  return {
    dir,
    log,
    exec,
    driver: (section, options = {}) => {
      const config = commandSchema.parse(section);
      const logged: Exec = { run: (argv, o = {}) => (options.exec ?? exec).run(argv, { ...o, env: { LOG: log, ...o.env } }) };
      return commandDriver.create(config, {
        app: options.app ?? 'shop', env: options.env ?? 'production', host: { ...LOCAL, base: dir }, exec: logged, files, clock: { now: () => new Date() },
        configDir: dir, stateDir: join(dir, '.rewind'), local: { exec: logged, files }, shared: new Map(), variables: process.env,
        ...(options.slot ? { slot: options.slot } : {}),
      });
    },
    addVersion: async (version) => {
      await mkdir(join(dir, 'store', version), { recursive: true });
      await writeFile(join(dir, 'store', version, 'app.txt'), `app ${version}\n`);
    },
    current: () => readlink(join(dir, 'current')).catch(() => undefined),
    logLines: async () => {
      const lines = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
      const fresh = lines.slice(seen);
      seen = lines.length;
      return fresh;
    },
  };
}

/** The section of the scripts above, as a user would write it. */
export const SECTION = {
  activate: [['./switch.sh', '{version}']],
  inspect: ['./live-version.sh'],
  prepare: [['./fetch.sh', '{version}']],
  present: ['./has-version.sh', '{version}'],
};

/** Fields of one log line: script, args, cwd, then the variables by name. */
export function parseLog(line: string): { script: string; args: string; cwd: string; vars: Record<string, string> } {
  const [script = '', args = '', cwd = '', ...rest] = line.split('|');
  return { script, args, cwd, vars: Object.fromEntries(rest.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) };
}
