/**
 * An environment's releases and runs on one time axis, as inline SVG: each
 * release a dot at its deploy time (green verified, red failed or rolled
 * back), each rollback an arrow back from the release it left to the one it
 * went to, each watch a band of its verdicts under the axis. Pure: rows in,
 * markup out; what is drawn is escaped like the rest of the page.
 */
import { html } from 'hono/html';
import type { Release } from '../../core/release.js';
import type { Run } from '../../core/run.js';
import type { WatchPlan } from '../../core/watch/watchPlan.js';
import { tone } from '../format.js';

const WIDTH = 1200;
const HEIGHT = 150;
const AXIS = 70;
const PAD = 30;

export function timelineSvg(releases: readonly Release[], runs: readonly Run[]) {
  const times = [...releases.map((r) => Date.parse(r.deployedAt)), ...runs.map((r) => Date.parse(r.startedAt ?? r.createdAt))]
    .filter((t) => Number.isFinite(t));
  if (times.length === 0) return html`<p class="muted">nothing deployed yet</p>`;
  const [from, to] = [Math.min(...times), Math.max(...times)];
  const span = Math.max(to - from, 60_000);
  const x = (iso: string | null | undefined) => PAD + ((Date.parse(iso ?? '') - from) / span) * (WIDTH - 2 * PAD);
  const byId = new Map(releases.map((r) => [r.id, r]));
  const arrows = runs.filter((r) => r.kind === 'rollback' && r.status === 'succeeded').flatMap((r) => {
    const [left, back] = [byId.get(r.fromReleaseId ?? ''), byId.get(r.toReleaseId ?? '')];
    if (!left || !back) return [];
    const [x1, x2] = [x(left.deployedAt), x(back.deployedAt)];
    const lift = Math.min(50, 14 + Math.abs(x1 - x2) / 8);
    const d = `M${x1.toFixed(1)} ${AXIS - 8} Q${((x1 + x2) / 2).toFixed(1)} ${AXIS - 8 - lift} ${x2.toFixed(1)} ${AXIS - 8}`;
    return [html`<path class="arrow" d="${d}"
      marker-end="url(#head)"><title>${r.id}: ${r.fromVersion} back to ${r.toVersion}</title></path>`];
  });
  const dots = releases.map((r) => html`<circle class="dot ${tone(r.status)}" cx="${x(r.deployedAt).toFixed(1)}" cy="${AXIS}" r="5">
    <title>${r.version} ${r.status} ${r.deployedAt}</title></circle>`);
  const bands = runs.filter((r) => r.kind === 'watch').flatMap((r) => ((r.plan as WatchPlan | null)?.segments ?? []).map((s) => {
    const [x1, x2] = [x(s.from), Math.max(x(s.to), x(s.from) + 2)];
    return html`<rect class="band ${band(s.state)}" x="${x1.toFixed(1)}" y="${AXIS + 22}" width="${(x2 - x1).toFixed(1)}" height="10">
      <title>watch ${r.fromVersion}: ${s.state}${s.reason ? `: ${s.reason}` : ''} (${s.ticks} ticks)</title></rect>`;
  }));
  return html`<svg class="timeline" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="releases and runs over time">
  <defs><marker id="head" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
  <path class="head" d="M0 0 L10 5 L0 10 z"/></marker></defs>
  <line class="axis" x1="${PAD}" y1="${AXIS}" x2="${WIDTH - PAD}" y2="${AXIS}"/>
  ${arrows}${dots}${bands}
  <text x="${PAD}" y="${HEIGHT - 12}">${new Date(from).toISOString().slice(0, 16).replace('T', ' ')}</text>
  <text x="${WIDTH - PAD}" y="${HEIGHT - 12}" text-anchor="end">${new Date(to).toISOString().slice(0, 16).replace('T', ' ')}</text>
  <text x="${PAD}" y="${AXIS + 46}">watch verdicts</text>
</svg>`;
}

function band(state: string): string {
  return state === 'ok' ? 'ok' : state === 'breached' ? 'bad' : state === 'error' ? 'warn' : 'none';
}
