import type { BoundaryHook } from '../core/boundaryHook.js';

/**
 * Fault injection for the tests that prove `rewind resume`: with
 * REWIND_FAULT_KILL_AT=<kind>:<step index>:<before|after>, the process kills
 * itself with SIGKILL at that step boundary of the first run of that kind,
 * exactly as `kill -9` from outside would. Unset in normal use.
 */
export function faultFromEnv(value: string | undefined): { kind: string; hook: BoundaryHook } | undefined {
  const match = /^(deploy|rollback|drill):(\d+):(before|after)$/.exec(value ?? '');
  if (!match) return undefined;
  const [, kind, index, phase] = match;
  return {
    kind: kind as string,
    hook: (at, when) => {
      if (at === Number(index) && when === phase) process.kill(process.pid, 'SIGKILL');
    },
  };
}
