import { join } from 'node:path';
import type { Sshd } from '../test/helpers/sshd.js';
import { runProcess, type Finished } from './cli.js';

const node = process.execPath;
const pm2 = join(import.meta.dirname, '..', 'node_modules', 'pm2', 'bin', 'pm2');

/** Only paths the benchmark made itself go into the one shell line it measures. */
function plainPath(path: string): string {
  if (!/^[\w./-]+$/.test(path)) throw new Error(`bench: refusing to put ${JSON.stringify(path)} into a shell line`);
  return path;
}

/**
 * The baseline: ONE call of the system ssh client that switches `current`
 * atomically and reloads PM2, the way a hand-written script does it.
 */
export function baselineRollback(sshd: Sshd, knownHosts: string, root: string, address: string, target: string): Promise<Finished> {
  const deployPath = plainPath(join(root, `srv-${address}`));
  const pm2Home = plainPath(join(root, `pm2-${address}`));
  const release = plainPath(`releases/${target}`);
  const line = `cd ${deployPath} && ln -sfn ${release} current.tmp && mv -T current.tmp current && PM2_HOME=${pm2Home} ${plainPath(node)} ${plainPath(pm2)} reload demo-shop`;
  return runProcess([
    'ssh', '-F', 'none', '-i', sshd.identityFile, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-p', String(sshd.port), `${sshd.user}@${sshd.host}`, line,
  ], { timeoutMs: 60_000 });
}
