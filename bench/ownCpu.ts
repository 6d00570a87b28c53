import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * The CPU time of rewind's own process (user + system), read by GNU time:
 * what rewind itself costs the machine it runs on, apart from the hosts. On
 * a real fleet the hosts' share runs on the hosts; this share does not.
 */
const TIME = '/usr/bin/time';

/** The prefix that records it in `file`; none where GNU time is not installed. */
export function ownCpuPrefix(file: string): string[] {
  return existsSync(TIME) ? [TIME, '-f', '%U %S', '-o', file] : [];
}

/** ms of CPU the file records, or undefined. */
export async function readOwnCpu(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const match = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/m.exec(text);
  return match ? (Number(match[1]) + Number(match[2])) * 1000 : undefined;
}
