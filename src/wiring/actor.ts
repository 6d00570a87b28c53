import { userInfo } from 'node:os';
import type { Exec } from '../core/ports.js';

/** Who is acting: REWIND_USER, else git's user.email, else the OS user name. */
export async function whoIsActing(env: NodeJS.ProcessEnv, exec: Exec): Promise<string> {
  const fromEnv = env.REWIND_USER?.trim();
  if (fromEnv) return fromEnv;
  try {
    const result = await exec.run(['git', 'config', '--get', 'user.email'], { timeoutMs: 2000 });
    const email = result.stdout.trim();
    if (result.code === 0 && email) return email;
  } catch {
    // git is not installed: fall through to the OS user.
  }
  return userInfo().username;
}
