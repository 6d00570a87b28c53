import { html } from 'hono/html';
import type { RollbackPlan } from '../../core/plan.js';
import type { WatchPlan } from '../../core/watch/watchPlan.js';
import type { RunDetail } from '../../operations/dashboard/runDetail.js';
import { page, type Html } from '../layout.js';
import { headers, pill, row, runWhat, seconds, when } from '../format.js';
import type { Nav } from '../nav.js';

export interface ApproveForm {
  /** The CSRF value the form carries and the cookie holds. */
  csrf: string;
}

/** One run: what it was for, its plan and risks, each step with its time and output, the evidence, the report files. */
export function runPage(nav: Nav, detail: RunDetail, approve: ApproveForm | null): Html {
  const { run, steps } = detail;
  const plan = run.kind === 'rollback' || run.kind === 'drill' ? (run.plan as RollbackPlan | null) : null;
  const watch = run.kind === 'watch' ? (run.plan as WatchPlan | null) : null;
  const waiting = run.status === 'awaiting_approval' && approve !== null;
  return page(run.id, nav, html`<h1>${runWhat(run)} ${pill(run.status)}</h1>
<div class="card"><dl class="kv">
<dt>run</dt><dd class="mono" id="run-id">${run.id}</dd>
<dt>environment</dt><dd><a href="/env/${encodeURIComponent(run.env)}">${run.env}</a></dd>
<dt>reason</dt><dd>${run.reason ?? '–'}</dd><dt>trigger</dt><dd>${run.trigger}</dd>
<dt>requested by</dt><dd>${run.requestedBy}</dd><dt>approved by</dt><dd>${run.approvedBy ?? '–'}</dd>
<dt>started</dt><dd>${when(run.startedAt ?? run.createdAt)}</dd><dt>finished</dt><dd>${when(run.finishedAt)}</dd>
${run.error ? html`<dt>outcome</dt><dd class="${run.status === 'succeeded' ? '' : 'bad'}">${run.error}</dd>` : ''}
</dl>
${waiting ? html`<form class="approve" method="post" action="/runs/${encodeURIComponent(run.id)}/approve">
<input type="hidden" name="csrf" value="${approve.csrf}"><label>approver <input name="approver" required autocomplete="username"></label>
<label>token <input type="password" name="token" required autocomplete="off"></label><button type="submit">approve</button></form>` : ''}
</div>
${plan ? planBlock(plan) : ''}
${watch ? watchBlock(watch) : ''}
<h2>steps</h2><div class="scroll"><table class="steps">${headers('#', 'step', 'status', 'took', 'output')}
${steps.map((s) => row(s.index, s.name, pill(s.status), seconds(s.durationMs), html`<pre>${s.error ?? s.output}</pre>`))}</table></div>
${hostsBlock(detail)}
<h2>report files</h2>${detail.files.length === 0 ? html`<p class="muted">none</p>` : html`<ul class="files">${detail.files.map((f) =>
  html`<li><a href="/runs/${encodeURIComponent(run.id)}/files/${f.split('/').map(encodeURIComponent).join('/')}">${f}</a></li>`)}</ul>`}`);
}

function planBlock(plan: RollbackPlan) {
  return html`<h2>plan</h2><div class="card"><dl class="kv">
<dt>from</dt><dd class="mono">${plan.from.version}</dd><dt>to</dt><dd class="mono">${plan.to.version} (${plan.targetChosenBy})</dd>
<dt>risk</dt><dd>${plan.riskLevel}${plan.approvalRequired ? ' · needs approval' : ''}</dd></dl>
${plan.risks.length > 0
    ? html`<ul class="risks">${plan.risks.map((r) => html`<li><span class="pill ${r.level === 'high' ? 'bad' : 'warn'}">${r.level}</span>
      ${r.message}</li>`)}</ul>`
    : ''}
<ol>${plan.steps.map((s) => html`<li>${s.title}</li>`)}</ol></div>`;
}

function watchBlock(plan: WatchPlan) {
  const shown = (state: string) => (state === 'breached' ? 'failed' : state === 'ok' ? 'verified' : state);
  return html`<h2>watch</h2><div class="scroll"><table class="segments">${headers('from', 'to', 'ticks', 'verdict', 'why')}
${plan.segments.map((s) => row(when(s.from), when(s.to), s.ticks, pill(shown(s.state)), s.reason ?? ''))}</table></div>`;
}

/** Per host: the version its switch put there, whether it verified, the step that failed there. */
function hostsBlock(detail: RunDetail) {
  if (detail.hosts.length === 0 || detail.run.kind === 'watch') return '';
  return html`<h2>hosts</h2><div class="scroll"><table class="hosts">${headers('host', 'switched to', 'verified', 'failed step')}
${detail.hosts.map((h) => row(h.host, h.switchedTo ?? '–', h.verified ? html`<span class="ok">yes</span>` : 'no', h.failedStep ?? '–'))}
</table></div>`;
}
