import { html } from 'hono/html';
import type { History } from '../../operations/history.js';
import { page, type Html } from '../layout.js';
import { headers, pill, releaseLabel, row, runLink, runWhat, seconds, when } from '../format.js';
import type { Nav } from '../nav.js';
import { timelineSvg } from '../svg/timeline.js';

/** One environment on one time axis, then its releases and runs, a page of each (`?before=ID` pages on). */
export function timelinePage(nav: Nav, env: string, history: History): Html {
  const duration = (from: string | null, to: string | null) => (from && to ? seconds(Date.parse(to) - Date.parse(from)) : '–');
  const next = history.next.releases || history.next.runs
    ? html`<p class="pager"><a href="/env/${encodeURIComponent(env)}?${new URLSearchParams([
      ...(history.next.releases ? [['before', history.next.releases]] : []), ...(history.next.runs ? [['before', history.next.runs]] : []),
    ]).toString()}">older →</a></p>`
    : '';
  return page(`${env} timeline`, nav, html`<h1>${env}</h1>
<div class="card scroll">${timelineSvg(history.releases, history.runs)}</div>
<h2>releases</h2><div class="scroll"><table class="releases">${headers('version', 'status', 'deployed', 'by', 'source')}
${history.releases.map((r) => row(releaseLabel(r), pill(r.status), when(r.deployedAt), r.deployedBy, r.source))}</table></div>
<h2>runs</h2><div class="scroll"><table class="runs">${headers('run', 'what', 'status', 'trigger', 'started', 'took')}
${history.runs.map((r) => row(runLink(r), runWhat(r), pill(r.status), r.trigger, when(r.startedAt ?? r.createdAt),
    duration(r.startedAt, r.finishedAt)))}</table></div>${next}`);
}
