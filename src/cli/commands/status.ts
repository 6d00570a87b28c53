import type { Command } from 'commander';
import { EXIT } from '../../core/errors.js';
import type { Release } from '../../core/release.js';
import { describeCurrents, type HostEvidence } from '../../core/runningEvidence.js';
import type { HealthResult } from '../../core/verification.js';
import { status, type HostStatus, type StatusReport } from '../../operations/status.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson } from '../views/json.js';

export function registerStatus(program: Command, io: CliIO): void {
  program
    .command('status')
    .description('what the ledger says is live, what `current` and the app say runs, the last known good, health now, drift; ' +
      'exit 0 when every host is reachable, runs the live release and is healthy, else 1')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const report = await withEnvironment(io, globals, (deps) => status(deps), { warmHosts: true });
      // The whole picture is printed either way; the code says whether it is the one the ledger expects.
      io.exitCode = report.ok ? EXIT.ok : EXIT.runFailed;
      if (globals.json) printJson(io, statusJson(report));
      else if (!globals.quiet) out(io, statusText(report));
    });
}

function statusText(report: StatusReport): string {
  const several = report.hosts.length > 1;
  const only = report.hosts[0];
  const current = several ? describeCurrents(report.hosts.map((h) => h.evidence)) : only ? currentOf(only) : 'nothing';
  return [
    `${report.app} ${report.env} (${report.driver})`,
    `  live (ledger):      ${describe(report.live)}`,
    `  current (target):   ${current}`,
    `  app reports:        ${several ? 'see hosts' : only ? appOf(only.evidence, only.health) : '-'}`,
    `  running:            ${several ? (report.observed.version ?? 'see hosts') : only ? runningOf(only) : 'nothing'}`,
    `  last known good:    ${describe(report.lastKnownGood)}  <- where \`rewind rollback\` would go`,
    `  health now:         ${healthOf(report.health)}`,
    ...(several ? hostLines(report) : keptLines(only)),
    ...report.hosts.flatMap((h) => trafficLines(h, several)),
    ...(report.drift.length > 0 ? report.drift.map((d) => `  DRIFT: ${d}`) : ['  drift:              none']),
    report.ok ? '  status:             ok' : `  NOT OK (exit 1): ${report.notOk.join('; ')}`,
  ].join('\n');
}

/** One line per host: what `current` says, what the app says, what runs, and whether it is healthy. */
function hostLines(report: StatusReport): string[] {
  const width = Math.max(...report.hosts.map((h) => h.host.length));
  return [
    '  hosts:',
    ...report.hosts.map((h) => {
      const health = h.health === null ? '-' : h.health.ok ? 'healthy' : `UNHEALTHY: ${h.health.reason}`;
      const kept = h.kept ? `  kept ${h.kept.map((k) => k.version).join(', ') || 'nothing'}` : '';
      const app = appOf(h.evidence, h.health);
      return `    ${h.host.padEnd(width)}  current ${currentOf(h)}  app ${app}  running ${runningOf(h)}  ${health}${kept}`;
    }),
  ];
}

/** Blue/green: where the proxy sends traffic, as the proxy itself says, and each slot as its own port answers. */
function trafficLines(host: HostStatus, several: boolean): string[] {
  const traffic = host.traffic;
  if (!traffic) return [];
  const where = traffic.proxy
    ? `${traffic.proxy.live ? `sends to ${traffic.proxy.live}` : 'sends to no single slot'} (${traffic.proxy.source})`
    : `cannot be read: ${traffic.proxyError ?? '?'}`;
  const slots = (['blue', 'green'] as const).map((slot) => {
    const s = traffic.slots[slot];
    const health = s.health === null ? '-' : s.health.ok ? 'healthy' : `not answering: ${s.health.reason}`;
    return `    ${slot.padEnd(5)}  port ${s.port}  ${s.version ?? 'nothing'}  ${health}${s.live ? '  <- takes the traffic' : ''}`;
  });
  return [`  proxy${several ? ` (${host.host})` : ''}:${' '.repeat(several ? 1 : 14)}${where}`, ...slots];
}

/** What a single host keeps set aside to go back to, when its driver keeps anything of the kind. */
function keptLines(host: HostStatus | undefined): string[] {
  if (!host?.kept) return [];
  return [`  kept to go back to: ${keptOf(host)}`];
}

function keptOf(host: HostStatus): string {
  if (!host.kept || host.kept.length === 0) return 'nothing';
  return host.kept.map((k) => `${k.version}${k.failed ? ' (failed)' : ''} as ${k.name}`).join(', ');
}

function currentOf(host: HostStatus): string {
  if (host.evidence.cannotInspect !== undefined) return `cannot inspect: ${host.evidence.cannotInspect}`;
  return `${host.observed.version ?? 'nothing'}${host.observed.artifact ? ` at ${host.observed.artifact}` : ''}`;
}

function appOf(evidence: HostEvidence, health: HealthResult | null): string {
  if (evidence.serves !== null) return evidence.serves;
  if (evidence.reported === undefined) return health === null ? 'not asked (no health check configured)' : 'not asked which build';
  if (evidence.reported === null) return health && !health.ok ? `no answer naming a build: ${health.reason}` : 'no build named';
  return `${evidence.reported} (no release in the ledger)`;
}

function runningOf(host: HostStatus): string {
  if (host.running === undefined) return `unknown: cannot inspect: ${host.evidence.cannotInspect ?? '?'}`;
  return host.running ?? 'nothing';
}

function healthOf(health: HealthResult | null): string {
  if (health === null) return 'not checked (no health check configured, or nothing the ledger knows to expect)';
  return health.ok ? `healthy (${health.url})` : `UNHEALTHY: ${health.reason}`;
}

function describe(release: Release | undefined): string {
  if (!release) return 'none';
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  const rebuilt = release.rebuiltAt ? ` (rebuilt ${release.rebuiltAt} by \`ledger rebuild\`)` : '';
  return `${release.version}${sha} ${release.status}, deployed ${release.deployedAt} by ${release.deployedBy}${rebuilt}`;
}

/** What runs, as JSON: `{ state: "unknown", error }` for a host that could not be inspected, never a null version alone. */
function runningJson(host: HostStatus): Record<string, unknown> {
  if (host.running === undefined) return { state: 'unknown', version: null, error: `cannot inspect: ${host.evidence.cannotInspect}` };
  return { state: 'known', version: host.running, error: null };
}

function statusJson(report: StatusReport): Record<string, unknown> {
  const unknown = report.hosts.filter((h) => h.running === undefined);
  return {
    app: report.app,
    env: report.env,
    driver: report.driver,
    scope: report.scope,
    ok: report.ok,
    exit_code: report.ok ? EXIT.ok : EXIT.runFailed,
    not_ok: report.notOk,
    live: report.live ? releaseJson(report.live) : null,
    running: {
      state: unknown.length > 0 ? 'unknown' : 'known',
      version: report.observed.version,
      artifact: report.observed.artifact,
      problems: report.observed.problems,
      error: unknown.length > 0 ? report.uninspected.join('; ') : null,
    },
    // An environment-scoped driver has no hosts: `running` is the environment's.
    hosts: report.scope === 'environment' ? [] : report.hosts.map((h) => ({
      host: h.host,
      // `version` is where `current` points, as before; `running` is what really runs.
      version: h.observed.version,
      current: h.evidence.cannotInspect === undefined
        ? { state: 'known', version: h.observed.version }
        : { state: 'unknown', version: null },
      app: { reported: h.evidence.reported ?? null, version: h.evidence.serves, asked: h.evidence.reported !== undefined },
      running: runningJson(h),
      ledger: report.live?.version ?? null,
      artifact: h.observed.artifact,
      problems: h.observed.problems,
      healthy: h.health?.ok ?? null,
      health: h.health,
      kept: h.kept?.map((k) => ({ version: k.version, artifact: k.artifact, name: k.name, since: k.since, failed: k.failed })) ?? null,
      ...(h.traffic ? { traffic: trafficJson(h.traffic) } : {}),
    })),
    last_known_good: report.lastKnownGood ? releaseJson(report.lastKnownGood) : null,
    health: report.health,
    drift: report.drift,
    uninspected: report.uninspected,
  };
}

function trafficJson(traffic: NonNullable<HostStatus['traffic']>): Record<string, unknown> {
  const slot = (s: NonNullable<HostStatus['traffic']>['slots']['blue']) =>
    ({ port: s.port, version: s.version, healthy: s.health?.ok ?? null, takes_traffic: s.live, health: s.health });
  return {
    proxy: traffic.proxy ? { live: traffic.proxy.live, source: traffic.proxy.source, slots: traffic.proxy.slots } : null,
    proxy_error: traffic.proxyError ?? null,
    slots: { blue: slot(traffic.slots.blue), green: slot(traffic.slots.green) },
  };
}
