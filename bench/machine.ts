import { cpus, loadavg } from 'node:os';
import { REPO, runProcess } from './cli.js';

/** One line on what was measured where: CPUs, Node, the commit (and whether the tree had changes), the load average. */
export async function machineLine(): Promise<string> {
  const head = await runProcess(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], { timeoutMs: 10_000 });
  const dirty = await runProcess(['git', '-C', REPO, 'status', '--porcelain', '--untracked-files=no'], { timeoutMs: 10_000 });
  const cpu = cpus();
  const changed = dirty.stdout.split('\n').map((line) => line.slice(3).trim()).filter((path) => path !== '' && path !== 'bench/results.md');
  const commit = head.code === 0 ? `commit ${head.stdout.trim()}${changed.length === 0 ? '' : ` plus uncommitted changes to ${changed.join(', ')}`}` : 'no git commit';
  return `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${commit}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the start`;
}
