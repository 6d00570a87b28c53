import { EXIT } from '../../core/errors.js';
import { showValue } from '../../core/watch/conditionText.js';
import type { ConditionNow, ReleaseCheckNow, VerifyNowReport } from '../../operations/verifyNow.js';
import { out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { releaseJson } from './json.js';

/**
 * `rewind verify`'s result, one line per check; returns the exit code: 0 when
 * every check is ok, else 1: a failure or a breach, and also an error or an
 * inconclusive reading, since a gate must not pass on no answer.
 */
export function showVerifyNow(io: CliIO, globals: GlobalOptions, report: VerifyNowReport): number {
  const code = report.ok ? EXIT.ok : EXIT.runFailed;
  if (globals.json) printJson(io, verifyJson(report, code));
  else if (!globals.quiet) out(io, verifyText(report, code));
  return code;
}

interface Line {
  state: string;
  what: string;
  detail: string;
}

function verifyText(report: VerifyNowReport, code: number): string {
  const { release } = report;
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  const lines: Line[] = [
    ...report.checks.map((c) => ({ state: shownState(c.state), what: checkName(c), detail: c.detail })),
    ...report.conditions.map((c) => ({ state: shownState(c.state), what: `tier ${c.tier} (${c.action})`, detail: c.reason })),
  ];
  const stateWidth = Math.max(...lines.map((l) => l.state.length));
  const whatWidth = Math.max(...lines.map((l) => l.what.length));
  return [
    `verify ${report.app} ${report.env}: ${release.version}${sha} ${release.status}, deployed ${release.deployedAt}`,
    ...lines.map((l) => `  ${l.state.padEnd(stateWidth)}  ${l.what.padEnd(whatWidth)}  ${l.detail}`),
    ...(report.conditions.length > 0 ? ['  (watch conditions: one reading each, now; their for: windows are for `rewind watch`)'] : []),
    report.ok ? `ok (exit ${code})` : `NOT OK (exit ${code}): ${tally(report)}`,
  ].join('\n');
}

/** ok stays quiet; anything else is shouted, as status does. */
function shownState(state: string): string {
  return state === 'ok' ? 'ok' : state.toUpperCase();
}

function checkName(check: ReleaseCheckNow): string {
  return check.host === null ? check.name : `${check.name} on ${check.host}`;
}

/** `1 failed, 2 breached, 1 error`: what is not ok, by state. */
function tally(report: VerifyNowReport): string {
  const counts = new Map<string, number>();
  for (const { state } of [...report.checks, ...report.conditions]) {
    if (state !== 'ok' && state !== 'skipped') counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  return [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
}

function verifyJson(report: VerifyNowReport, code: number): Record<string, unknown> {
  return {
    ok: report.ok,
    exit_code: code,
    app: report.app,
    env: report.env,
    release: releaseJson(report.release),
    checks: report.checks.map((c) => ({ name: c.name, host: c.host, state: c.state, detail: c.detail, duration_ms: c.durationMs })),
    conditions: report.conditions.map(conditionJson),
  };
}

function conditionJson(c: ConditionNow): Record<string, unknown> {
  return {
    tier: c.tier,
    action: c.action,
    condition: c.label,
    state: c.state,
    // JSON has no NaN or Infinity: the number when it is one, and always the text Prometheus would write.
    value: c.value !== null && Number.isFinite(c.value) ? c.value : null,
    value_text: c.value === null ? null : showValue(c.value),
    reason: c.reason,
    for_ms: c.forMs,
    // One reading says whether the threshold holds now, not whether it held for the window.
    window_observed: c.forMs === 0,
  };
}
