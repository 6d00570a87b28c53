import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Jiffies the whole machine spent busy and in all, from /proc/stat's first line (Linux). */
interface CpuTicks {
  busy: number;
  total: number;
}

export function cpuTicks(): CpuTicks | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    // idle and iowait are the 4th and 5th fields.
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * How much of the machine was busy between two readings (0..1), and the CPU
 * time that is: a run that kept every core busy could not have been faster
 * on this machine, whatever tool ran it.
 */
export interface CpuUse {
  busyShare: number;
  cpuMs: number;
}

export function cpuUse(before: CpuTicks | undefined, after: CpuTicks | undefined, elapsedMs: number): CpuUse | undefined {
  if (before === undefined || after === undefined || after.total <= before.total) return undefined;
  const busyShare = (after.busy - before.busy) / (after.total - before.total);
  return { busyShare, cpuMs: busyShare * elapsedMs * cpus().length };
}
