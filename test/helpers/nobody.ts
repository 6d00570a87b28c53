/**
 * Tests of what a user without rights sees (a socket, a store they cannot
 * write) run rewind as nobody when the tests run as root. That needs nobody
 * to reach the checkout: a clone under /root cannot be. Then they skip,
 * loudly, rather than fail for a reason that is not rewind's.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');
let checked: string | undefined | null = null;

/** Undefined when the test can run (not root, or nobody can start the CLI); else why not. */
export function nobodySkipReason(): string | undefined {
  if (checked !== null) return checked;
  if (process.getuid?.() !== 0) return (checked = undefined);
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, '--version'], {
    uid: 65534, gid: 65534, cwd: '/tmp', encoding: 'utf8', env: { ...process.env, HOME: '/tmp' }, timeout: 30_000,
  });
  if (run.status === 0) return (checked = undefined);
  checked = `SKIPPED LOUDLY: running as root, and nobody (uid 65534) cannot start rewind from this checkout ` +
    `(${(run.stderr ?? '').trim().split('\n')[0] ?? 'no output'}): the permission tests did not run`;
  process.stderr.write(`\n*** ${checked} ***\n\n`);
  return checked;
}
