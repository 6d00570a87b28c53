import { hostname } from 'node:os';
import type { ProcessIdentity } from '../core/lock.js';

/** This process, as lock holders record it. */
export function processIdentity(): ProcessIdentity {
  return { host: hostname(), pid: process.pid, isAlive };
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
