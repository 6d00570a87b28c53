import type { LiveState } from '../core/driver.js';
import type { StepRecord } from '../core/run.js';

/** One line of the per-host table in reports and JSON: where a host ended up, and what stopped it. */
export interface HostRow {
  host: string;
  version: string | null;
  failedStep: string | null;
  error: string | null;
}

/**
 * Pure: the per-host table of a run from its journal and what each host runs
 * now. A failed step's error names each host that failed (see `settle`).
 */
export function hostRows(byHost: Readonly<Record<string, LiveState>>, steps: readonly StepRecord[]): HostRow[] {
  const failed = steps.find((s) => s.status === 'failed');
  const hosts = Object.keys(byHost);
  return hosts.map((host) => {
    const error = failed?.error ? errorFor(failed.error, host, hosts.length) : null;
    return { host, version: byHost[host]?.version ?? null, failedStep: error ? (failed?.name ?? null) : null, error };
  });
}

function errorFor(message: string, host: string, hostCount: number): string | null {
  if (hostCount === 1) return message;
  const marker = `${host}: FAILED `;
  const start = message.indexOf(marker);
  if (start === -1) return null;
  const rest = message.slice(start + marker.length);
  const end = rest.search(/; [^;:\s]+@[^;:\s]+:\d+: |; local: /);
  return end === -1 ? rest : rest.slice(0, end);
}
