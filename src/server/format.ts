import { html } from 'hono/html';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';

/** ISO time as `2026-12-03 10:46` (UTC): the ledger's clock, shown the same on every machine. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '–';
}

export function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '–';
}

export function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(2)}s`;
}

const GOOD = new Set(['verified', 'succeeded', 'live']);
const BAD = new Set(['failed', 'rolled_back', 'interrupted', 'abandoned']);

/** How a status is painted: green when all is well, red when something broke, amber while someone must act. */
export function tone(status: string): 'ok' | 'bad' | 'warn' | 'muted' {
  if (GOOD.has(status)) return 'ok';
  if (BAD.has(status)) return 'bad';
  if (['awaiting_approval', 'paused', 'running', 'planned', 'deploying'].includes(status)) return 'warn';
  return 'muted';
}

export function pill(status: string) {
  return html`<span class="pill ${tone(status)}">${status.replace('_', ' ')}</span>`;
}

export function releaseLabel(release: Release | null | undefined) {
  if (!release) return html`<span class="muted">none</span>`;
  return html`<span class="mono">${release.version}</span> <span class="muted mono">${short(release.sha)}</span>`;
}

export function runLink(run: Run) {
  return html`<a class="mono" href="/runs/${encodeURIComponent(run.id)}">${run.id}</a>`;
}

/** What a run did, in a few words: `rollback v3 -> v2`, `deploy v3`, `watch v3`. */
export function runWhat(run: Run): string {
  if (run.kind === 'deploy') return `deploy ${run.toVersion ?? '?'}`;
  if (run.kind === 'watch') return `watch ${run.fromVersion ?? '?'}`;
  return `${run.kind} ${run.fromVersion ?? '?'} → ${run.toVersion ?? '?'}`;
}

/** A table's header row. */
export function headers(...names: string[]) {
  return html`<tr>${names.map((n) => html`<th>${n}</th>`)}</tr>`;
}

/** A row of cells (each escaped, or markup made with html``). */
export function row(...cells: unknown[]) {
  return html`<tr>${cells.map((c) => html`<td>${c}</td>`)}</tr>`;
}
