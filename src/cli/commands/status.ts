import type { Command } from 'commander';
import type { Release } from '../../core/release.js';
import { status, type StatusReport } from '../../operations/status.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson } from '../views/json.js';

export function registerStatus(program: Command, io: CliIO): void {
  program
    .command('status')
    .description('what is live, what is last known good, health now, and drift between the ledger and the target')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const report = await withEnvironment(io, globals, (deps) => status(deps), { warmHosts: true });
      if (globals.json) printJson(io, statusJson(report));
      else if (!globals.quiet) out(io, statusText(report));
    });
}

function statusText(report: StatusReport): string {
  const health = report.health === null
    ? 'not checked (no health check configured, or nothing running that the ledger knows)'
    : report.health.ok ? `healthy (${report.health.url})` : `UNHEALTHY: ${report.health.reason}`;
  return [
    `${report.app} ${report.env} (${report.driver})`,
    `  live (ledger):      ${describe(report.live)}`,
    `  running (target):   ${report.observed.version ?? 'nothing'}${report.observed.artifact ? ` at ${report.observed.artifact}` : ''}`,
    `  last known good:    ${describe(report.lastKnownGood)}  <- where \`rewind rollback\` would go`,
    `  health now:         ${health}`,
    ...(report.hosts.length > 1 ? hostLines(report) : []),
    ...(report.drift.length > 0 ? report.drift.map((d) => `  DRIFT: ${d}`) : ['  drift:              none']),
  ].join('\n');
}

/** One line per host: what it runs and whether it is healthy. */
function hostLines(report: StatusReport): string[] {
  const width = Math.max(...report.hosts.map((h) => h.host.length));
  return [
    '  hosts:',
    ...report.hosts.map((h) => {
      const health = h.health === null ? '-' : h.health.ok ? 'healthy' : `UNHEALTHY: ${h.health.reason}`;
      return `    ${h.host.padEnd(width)}  ${(h.observed.version ?? 'nothing').padEnd(12)}  ${health}`;
    }),
  ];
}

function describe(release: Release | undefined): string {
  if (!release) return 'none';
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  const rebuilt = release.rebuiltAt ? ` (rebuilt ${release.rebuiltAt} by \`ledger rebuild\`)` : '';
  return `${release.version}${sha} ${release.status}, deployed ${release.deployedAt} by ${release.deployedBy}${rebuilt}`;
}

function statusJson(report: StatusReport): Record<string, unknown> {
  return {
    app: report.app,
    env: report.env,
    driver: report.driver,
    scope: report.scope,
    live: report.live ? releaseJson(report.live) : null,
    running: { version: report.observed.version, artifact: report.observed.artifact, problems: report.observed.problems },
    // An environment-scoped driver has no hosts: `running` is the environment's.
    hosts: report.scope === 'environment' ? [] : report.hosts.map((h) => ({
      host: h.host,
      version: h.observed.version,
      artifact: h.observed.artifact,
      problems: h.observed.problems,
      healthy: h.health?.ok ?? null,
      health: h.health,
    })),
    last_known_good: report.lastKnownGood ? releaseJson(report.lastKnownGood) : null,
    health: report.health,
    drift: report.drift,
  };
}
