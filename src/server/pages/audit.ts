import { html } from 'hono/html';
import type { AuditEvent } from '../../core/run.js';
import type { AuditRecordVerdict } from '../../operations/verifyAudit.js';
import { page, type Html } from '../layout.js';
import { headers, row, when } from '../format.js';
import type { Nav } from '../nav.js';

/** The audit log, newest first, a page at a time, under the chain's state as `rewind audit verify` finds it. */
export function auditPage(nav: Nav, verdict: AuditRecordVerdict, entries: readonly AuditEvent[], next: number | null): Html {
  const state = verdict.ok
    ? html`<span class="pill ok">chain intact</span> ${verdict.entries} entries, head ${headOf(verdict)},
      ${verdict.anchors.checked} outside heads checked, ${verdict.releasesChecked} releases checked`
    : html`<span class="pill bad">chain broken</span>
      ${verdict.problems.map((p) => html`<div>${p.seq === null ? '' : `#${p.seq}: `}${p.reason}</div>`)}
      ${verdict.unchecked ? html`<div class="warn">${verdict.unchecked.reason}</div>` : ''}`;
  return page('audit', nav, html`<h1>audit log</h1><div class="card" id="chain">${state}</div>
<h2>entries</h2><div class="scroll"><table class="audit">${headers('#', 'when', 'who', 'what', 'env', 'run', 'outcome')}
${entries.map((e) => row(e.seq, when(e.at), e.actor, e.action, e.env ?? '–',
    e.runId ? html`<a class="mono" href="/runs/${encodeURIComponent(e.runId)}">${e.runId}</a>` : '–', e.outcome))}
</table></div>${next === null ? '' : html`<p class="pager"><a href="/audit?before=${next}">older →</a></p>`}`);
}

export function notFoundPage(nav: Nav, what: string): Html {
  return page('not found', nav, html`<h1>not found</h1><p>${what}</p><p><a href="/">back to the overview</a></p>`);
}

function headOf(verdict: AuditRecordVerdict): string {
  return verdict.head ? `${verdict.head.seq}:${verdict.head.hash.slice(0, 16)}` : '–';
}
