/**
 * Pure fleet arithmetic: which hosts change together, and what version a
 * fleet runs when its hosts are asked one by one.
 */

/** The canary hosts alone first, then the rest in batches of `batch`. */
export function batchesOf(hosts: readonly string[], canary: number, batch: number): string[][] {
  const first = Math.min(Math.max(canary, 0), hosts.length);
  const size = Math.max(batch, 1);
  const result: string[][] = first > 0 ? [hosts.slice(0, first)] : [];
  for (let i = first; i < hosts.length; i += size) result.push(hosts.slice(i, i + size));
  return result;
}

/** The version every host runs, or null when they disagree (or none runs anything). */
export function commonVersion(byHost: Readonly<Record<string, string | null>>): string | null {
  const versions = new Set(Object.values(byHost));
  return versions.size === 1 ? ([...versions][0] ?? null) : null;
}

/** For step names and messages: the hosts a step acts on, unless it is the only host there is. */
export function onHostsLabel(hosts: readonly string[], all: readonly string[]): string {
  return hosts.length === all.length && all.length === 1 ? '' : ` on ${hosts.join(', ')}`;
}

/** How an environment's targets change together, for planning. */
export interface FleetShape {
  /** The names of the targets, in config order: hosts, or the environment alone. */
  targets: readonly string[];
  canary: number;
  /** Hosts per batch after the canary; all the rest at once when absent. */
  batch?: number;
}
