/**
 * Pieces of the configuration schema that every section uses, drivers' own
 * sections included: durations, commands as argument arrays, names. Pure.
 */
import { z } from 'zod';
import { PLACEHOLDERS, unknownPlaceholders } from './template.js';

/** App and environment names: they appear in paths, process names and report file names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

const DURATION_EXPECTED = 'expected a duration such as "250ms", "30s" or "5m"';

/** Durations are strings such as `250ms`, `30s`, `5m`; parsed to milliseconds. Unbounded: keys use boundedDuration. */
export const duration = z
  // The same message for a bare number (`timeout: 30`) as for a bad string: the fix is the same.
  .string({ error: DURATION_EXPECTED })
  .regex(DURATION, DURATION_EXPECTED)
  .transform(parseDuration)
  .meta({ description: 'A duration: a number followed by ms, s, m or h ("250ms", "30s", "5m").' });

export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * factor);
}

/** Milliseconds as rewind.yaml would write them, in the largest unit that is exact: 90000 -> "90s", 3600000 -> "1h". */
export function showDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export interface DurationBound {
  min: string;
  max: string;
}

/**
 * The one table of limits on the durations in rewind.yaml, by what the
 * duration is for. A duration past its maximum holds the environment's lock
 * (and the engineer) for longer than anyone would wait; one under its minimum
 * could never pass, or turns a wait into a busy loop. Every duration key
 * takes one of these through boundedDuration; the reference shows them with
 * the key (test/config/durations.test.ts checks that none is left out).
 */
export const DURATION_BOUNDS = {
  // health.timeout: a service not healthy within an hour is not coming up, and the lock is held meanwhile.
  healthTimeout: { min: '100ms', max: '1h' },
  // health.interval: faster is a busy loop against the app; the schema also keeps it at most health.timeout.
  healthInterval: { min: '10ms', max: '1m' },
  // ssh.connect_timeout: an SSH handshake that takes minutes is a host that is down.
  connectTimeout: { min: '100ms', max: '5m' },
  // One of the user's own commands (command.timeout): a build may be slow, never endless.
  commandTimeout: { min: '100ms', max: '6h' },
  // docker.stop_timeout: how long a container may take to stop before it is killed; Docker's own default is 10s.
  containerStop: { min: '1s', max: '10m' },
  // docker.healthy_timeout: how long a new container's HEALTHCHECK may take to say healthy.
  containerHealthy: { min: '100ms', max: '1h' },
  // kubernetes.timeout: a rollout that has not finished in a few hours never will; kubectl's default is none.
  rolloutTimeout: { min: '1s', max: '6h' },
  // diagnostics_timeout: they capture the broken version before the switch, so they delay the rollback; seconds, not minutes.
  diagnostics: { min: '10ms', max: '1m' },
  // sla.rollback_seconds, a number of seconds: above 0, at most a day.
  slaRollback: { min: '1ms', max: '24h' },
  // watch.for: a watch holds the environment's lock for its whole length; a day covers a release's first traffic peak.
  watchFor: { min: '1s', max: '24h' },
  // watch.interval: every condition is read once per interval; faster hammers Prometheus and the app, slower misses a 2s window.
  watchInterval: { min: '100ms', max: '10m' },
  // watch.prometheus.timeout: a query that takes longer than a minute is a Prometheus that is down; it counts as a probe error.
  prometheusTimeout: { min: '100ms', max: '1m' },
  // A watch condition's for: 0s acts on one reading; past an hour a tier-1 rollback comes too late to matter.
  conditionFor: { min: '0s', max: '1h' },
  // traffic.keep_warm: how long the old slot keeps running after a switch, so a rollback in that window is a proxy switch.
  // 0s stops it at once (every rollback then starts the target first); past a day the old slot is a second copy nobody watches.
  keepWarm: { min: '0s', max: '24h' },
} as const satisfies Record<string, DurationBound>;

export type DurationRole = keyof typeof DURATION_BOUNDS;

/** The JSON Schema keywords that carry a duration's bounds (annotations: editors ignore them, the reference reads them). */
export const DURATION_MIN_KEY = 'x-duration-min';
export const DURATION_MAX_KEY = 'x-duration-max';

/** A duration whose value must lie within its role's bounds (DURATION_BOUNDS). */
export function boundedDuration(role: DurationRole) {
  const { min, max } = DURATION_BOUNDS[role];
  const [low, high] = [parseDuration(min), parseDuration(max)];
  return z
    .string({ error: DURATION_EXPECTED })
    .regex(DURATION, DURATION_EXPECTED)
    .superRefine((text, ctx) => {
      // A malformed duration already has its issue from the regex.
      if (!DURATION.test(text)) return;
      const ms = parseDuration(text);
      const wrong = ms < low ? `at least ${min}` : ms > high ? `at most ${max}` : undefined;
      if (wrong) ctx.addIssue({ code: 'custom', message: `expected a duration of ${wrong} (got ${JSON.stringify(text)})` });
    })
    .transform(parseDuration)
    .meta({ description: duration.description, [DURATION_MIN_KEY]: min, [DURATION_MAX_KEY]: max });
}

/** One command as an argument array; placeholders are substituted per item. */
export const command = z
  // A shell string here is the usual mistake; say what shape is wanted instead.
  .array(z.string(), { error: 'expected a command as an argument array such as ["npm", "ci"], not a shell string' })
  .min(1, 'expected a command as a non-empty argument array such as ["npm", "ci"]')
  .superRefine((argv, ctx) => {
    argv.forEach((item, index) => {
      const unknown = unknownPlaceholders(item);
      if (unknown.length > 0) {
        // Pointing at the item (not the whole command) puts the error on the item's own line.
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `unknown placeholder {${unknown[0]}} (expected one of: ${PLACEHOLDERS.map((name) => `{${name}}`).join(' ')})`,
        });
      }
    });
  })
  .meta({ description: 'A command as an argument array, never a shell string: ["pm2", "reload", "app"].' });

export const commandList = z.array(command, { error: 'expected a list of commands such as [["npm", "run", "smoke"]]' });
