import type { Command } from 'commander';
import type { Release } from '../../core/release.js';
import { history } from '../../operations/history.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson, runJson } from '../views/json.js';

export function registerHistory(program: Command, io: CliIO): void {
  program
    .command('history')
    .description('releases and runs, newest first')
    .option('--limit <n>', 'at most this many of each', (v) => Number.parseInt(v, 10))
    .action(async (options: { limit?: number }, command: Command) => {
      const globals = globalsOf(command);
      const { releases, runs } = await withEnvironment(io, globals, (deps) => history(deps, options.limit));
      if (globals.json) {
        printJson(io, { releases: releases.map(releaseJson), runs: runs.map(runJson) });
        return;
      }
      if (globals.quiet) return;
      out(io, table('releases', ['version', 'sha', 'status', 'deployed at', 'by', 'release id'],
        releases.map((r) => [r.version, r.sha?.slice(0, 7) ?? '-', statusCell(r), r.deployedAt, r.deployedBy, r.id])));
      out(io, table('runs', ['run id', 'kind', 'status', 'from', 'to', 'trigger', 'started'],
        runs.map((r) => [r.id, r.kind, r.status, r.fromVersion ?? '-', r.toVersion ?? '-', r.trigger, r.startedAt ?? r.createdAt])));
    });
}

/** A rebuilt release's status is the evidence's best word, not what rewind saw happen: said so. */
function statusCell(release: Release): string {
  return release.rebuiltAt ? `${release.status} (rebuilt)` : release.status;
}

function table(title: string, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `${title}: none\n`;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [`${title}:`, line(head), ...rows.map(line), ''].join('\n');
}
