import { html } from 'hono/html';
import type { Figure } from '../../core/metrics/figure.js';
import type { EnvFigures } from '../../operations/dashboard/figures.js';
import { sparkline } from '../svg/sparkline.js';

export type { EnvFigures };

/** The DORA figures of an environment, each with how it is computed and from how many. */
export function figuresBlock(figures: EnvFigures) {
  const m = figures.metrics;
  const one = (name: string, figure: Figure, extra: unknown = '') => html`<div class="figure" title="${figure.formula}">
  <div class="muted">${name}</div><div class="value">${figure.shown}</div><div class="how">${figure.basis}</div>${extra}</div>`;
  return html`<h2>last ${m.period.since}</h2><div class="figures">
  ${one('deploys', m.deploymentFrequency, sparkline(figures.weekly, 'deploys per week, last 12 weeks'))}
  ${one('change failure rate', m.changeFailureRate)}
  ${one('time to restore', m.recoveryTime)}
  ${one('rollbacks', m.rollbackFrequency)}
  ${one('rollback duration', m.rollbackDuration)}
  ${one('SLA breaches', m.slaBreaches)}
  ${one('lead time', m.leadTime)}
</div>`;
}
