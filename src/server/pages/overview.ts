import { html } from 'hono/html';
import type { EnvOverview } from '../../operations/dashboard/overview.js';
import { page, type Html } from '../layout.js';
import { headers, pill, releaseLabel, row, runLink, runWhat, when } from '../format.js';
import type { Nav } from '../nav.js';
import { figuresBlock, type EnvFigures } from './figures.js';

/** The overview: per environment what runs now, the last known good, an open incident, the DORA figures, the latest runs. */
export function overviewPage(nav: Nav, envs: readonly { overview: EnvOverview; figures: EnvFigures | null }[]): Html {
  const cards = envs.map(({ overview: o, figures }) => html`<section class="card" data-env="${o.env}">
  <h3><a href="/env/${encodeURIComponent(o.env)}">${o.env}</a> ${o.live ? pill(o.live.status) : pill('none')}</h3>
  <dl class="kv">
    <dt>runs</dt><dd class="live-version">${releaseLabel(o.live)}</dd>
    <dt>since</dt><dd>${when(o.live?.activatedAt ?? o.live?.deployedAt)}</dd>
    <dt>health now</dt><dd class="health">${healthNow(o.health)}</dd>
    <dt>last known good</dt><dd class="last-good">${releaseLabel(o.lastKnownGood)}</dd>
    <dt>driver</dt><dd>${o.driver}</dd>
    <dt>incident</dt><dd class="incident">${o.incident
      ? html`${pill(o.incident.status)} ${runLink(o.incident)} <span class="muted">${runWhat(o.incident)}</span>`
      : html`<span class="ok">none open</span>`}</dd>
  </dl>
  ${figures ? figuresBlock(figures) : ''}
  <h2>latest runs</h2>
  <div class="scroll"><table>${headers('run', 'what', 'status', 'when')}
  ${o.recentRuns.map((r) => row(runLink(r), runWhat(r), pill(r.status), when(r.startedAt ?? r.createdAt)))}
  </table></div>
</section>`);
  return page('overview', nav, html`<h1>${nav.app}: overview</h1><div class="grid">${cards}</div>`);
}

function healthNow(health: EnvOverview['health']) {
  if (health === null) return html`<span class="muted">no health check</span>`;
  if (health.ok) return html`<span class="ok">healthy</span>`;
  return html`<span class="bad">failing</span> <span class="muted">${health.reason}</span>`;
}
