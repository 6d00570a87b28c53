import type { Command } from 'commander';
import { RewindError } from '../../core/errors.js';
import type { Release } from '../../core/release.js';
import { HISTORY_MAX_PAGE, HISTORY_PAGE, history } from '../../operations/history.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson, runJson } from '../views/json.js';

export function registerHistory(program: Command, io: CliIO): void {
  program
    .command('history')
    .description('releases and runs, newest first, a page of each')
    .option('--limit <n>', `at most this many of each (default ${HISTORY_PAGE})`)
    .option(
      '--before <id>',
      'the next page: start after this release or run id (older); once for releases, once for runs; lists without one are left out',
      (v: string, previous: string[] = []) => [...previous, v],
    )
    .action(async (options: { limit?: string; before?: string[] }, command: Command) => {
      const globals = globalsOf(command);
      const page = { limit: options.limit === undefined ? undefined : limitOf(options.limit), before: options.before };
      const { releases, runs, next } = await withEnvironment(io, globals, (deps) => history(deps, page));
      if (globals.json) {
        printJson(io, { releases: releases.map(releaseJson), runs: runs.map(runJson), next });
        return;
      }
      if (globals.quiet) return;
      out(io, table('releases', ['version', 'sha', 'status', 'deployed at', 'by', 'release id'],
        releases.map((r) => [r.version, r.sha?.slice(0, 7) ?? '-', statusCell(r), r.deployedAt, r.deployedBy, r.id])));
      out(io, table('runs', ['run id', 'kind', 'status', 'from', 'to', 'trigger', 'started'],
        runs.map((r) => [r.id, r.kind, r.status, r.fromVersion ?? '-', r.toVersion ?? '-', r.trigger, r.startedAt ?? r.createdAt])));
      const cursors = [next.releases, next.runs].filter((c): c is string => c !== null);
      if (cursors.length > 0) out(io, `older: rewind history ${cursors.map((c) => `--before ${c}`).join(' ')}`);
    });
}

/** A rebuilt release's status is the evidence's best word, not what rewind saw happen: said so. */
function statusCell(release: Release): string {
  return release.rebuiltAt ? `${release.status} (rebuilt)` : release.status;
}

function limitOf(text: string): number {
  const limit = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_PAGE) {
    throw new RewindError('USAGE', `--limit ${text}: expected a whole number from 1 to ${HISTORY_MAX_PAGE}`);
  }
  return limit;
}

function table(title: string, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `${title}: none\n`;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [`${title}:`, line(head), ...rows.map(line), ''].join('\n');
}
