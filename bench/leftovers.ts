import { runProcess } from './cli.js';

/** Live processes (pid and command line) whose command line names one of `dirs`: what a clean run leaves is none. */
export async function leftovers(dirs: string[]): Promise<string[]> {
  const ps = await runProcess(['ps', '-eo', 'pid=,stat=,args='], { timeoutMs: 10_000 });
  return ps.stdout.split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, stat]) => stat !== undefined && !stat.startsWith('Z'))
    .map(([pid, , ...args]) => `${pid} ${args.join(' ')}`)
    .filter((line) => dirs.some((dir) => line.includes(dir)));
}
