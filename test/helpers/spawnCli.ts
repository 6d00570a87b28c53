import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SpawnedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const bin = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');

/** The real CLI in its own process: for runs that must be killed, or raced. */
export function spawnCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, user?: { uid: number; gid: number }): Promise<SpawnedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), bin, ...args], {
      cwd,
      env: { ...process.env, REWIND_USER: 'tester@example.com', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // As another user (a test of permissions that root would not feel).
      ...user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += String(chunk); });
    child.stderr.on('data', (chunk) => { stderr += String(chunk); });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
