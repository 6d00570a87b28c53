import { userInfo } from 'node:os';
import { assertActorName } from '../core/actorName.js';
import type { Exec } from '../core/ports.js';

/**
 * Who is acting: REWIND_USER, else git's user.email, else the OS user name.
 * A claim, not a proof (anyone can set REWIND_USER): signed approvals are the
 * proof. Refused (UNSAFE_ACTOR) when it holds a control character, wherever
 * it came from, before anything is written in its name.
 */
export async function whoIsActing(env: NodeJS.ProcessEnv, exec: Exec): Promise<string> {
  const fromEnv = env.REWIND_USER?.trim();
  if (fromEnv) return assertActorName(fromEnv, 'REWIND_USER');
  const email = await gitEmail(exec);
  if (email) return assertActorName(email, "git's user.email");
  return assertActorName(userInfo().username, 'the OS user name');
}

async function gitEmail(exec: Exec): Promise<string | undefined> {
  try {
    const result = await exec.run(['git', 'config', '--get', 'user.email'], { timeoutMs: 2000 });
    return result.code === 0 ? result.stdout.trim() : undefined;
  } catch {
    // git is not installed: the OS user it is.
    return undefined;
  }
}
