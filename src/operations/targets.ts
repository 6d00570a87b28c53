import { RewindError, asRewindError } from '../core/errors.js';
import type { LiveState } from '../core/driver.js';
import { commonVersion } from '../core/fleet.js';
import type { Target } from '../core/target.js';

export interface HostOutcome<T> {
  host: string;
  ok: boolean;
  value?: T;
  error?: RewindError;
}

/**
 * Run `work` on each host, at most `concurrency` at a time, and wait for all
 * of them: one host failing does not stop the others, so every host ends in
 * a known state that the caller can report.
 */
export async function onHosts<T>(
  targets: readonly Target[],
  concurrency: number,
  work: (target: Target) => Promise<T>,
): Promise<HostOutcome<T>[]> {
  const outcomes: HostOutcome<T>[] = new Array(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index] as Target;
      try {
        outcomes[index] = { host: target.name, ok: true, value: await work(target) };
      } catch (error) {
        outcomes[index] = { host: target.name, ok: false, error: asRewindError(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, targets.length)) }, worker));
  return outcomes;
}

/** Turn per-host outcomes into one step result: a line per host, and an error naming every host that failed. */
export function settle<T>(outcomes: readonly HostOutcome<T>[], describe: (value: T) => string): string {
  const failed = outcomes.filter((o) => !o.ok);
  if (outcomes.length === 1) {
    const only = outcomes[0] as HostOutcome<T>;
    if (!only.ok) throw only.error as RewindError;
    return describe(only.value as T);
  }
  // SSH errors already start with the host's name: it is said once.
  const lines = outcomes.map((o) =>
    `${o.host}: ${o.ok ? describe(o.value as T) : `FAILED ${withoutPrefix(o.error?.message ?? '', `${o.host}: `)}`}`);
  if (failed.length > 0) {
    const first = failed[0]?.error as RewindError;
    throw new RewindError(
      first.code,
      `${failed.length} of ${outcomes.length} hosts failed: ${lines.join("; ")}`,
      { ...first.details, hosts: outcomes.map((o) => ({ host: o.host, ok: o.ok, error: o.error?.message ?? null })) },
    );
  }
  return lines.join('; ');
}

export interface FleetState {
  byHost: Record<string, LiveState>;
  /** The version all hosts run, or null when they disagree. */
  version: string | null;
  /** Hosts that could not be inspected, with why: what they run is unknown, not nothing. */
  cannotInspect: Record<string, string>;
}

/**
 * Ask every host what it runs. A host that cannot be asked has no version, a problem saying so, and
 * its reason in `cannotInspect`, for callers that must tell "unknown" from "nothing".
 */
export async function observeFleet(targets: readonly Target[], concurrency: number): Promise<FleetState> {
  const outcomes = await onHosts(targets, concurrency, (t) => t.driver.inspect());
  const byHost: Record<string, LiveState> = {};
  const cannotInspect: Record<string, string> = {};
  for (const o of outcomes) {
    if (o.ok) byHost[o.host] = o.value as LiveState;
    else {
      cannotInspect[o.host] = o.error?.message ?? 'unknown error';
      byHost[o.host] = { version: null, artifact: null, problems: [`cannot inspect: ${o.error?.message}`] };
    }
  }
  return { byHost, version: commonVersion(Object.fromEntries(Object.entries(byHost).map(([h, s]) => [h, s.version]))), cannotInspect };
}

/** `v2`, or `web1 v2, web2 v3` when hosts disagree. */
export function describeFleet(byHost: Readonly<Record<string, { version: string | null }>>): string {
  const versions = new Set(Object.values(byHost).map((s) => s.version));
  if (versions.size === 1) return [...versions][0] ?? 'nothing';
  return Object.entries(byHost).map(([host, s]) => `${host} ${s.version ?? 'nothing'}`).join(', ');
}

function withoutPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
