/**
 * The report of a run that has no rollback report: a deploy, a watch, a
 * rollback that has not finished, or a kind this version of rewind does not
 * know. It tells what the run record and its journal hold, nothing more.
 */
import { markdownKit, type Markdown } from '../../core/markdown.js';
import type { Run, StepRecord } from '../../core/run.js';
import { humanDuration, redactDeep, seconds } from './format.js';
import { stepTable } from './reportMarkdown.js';

export interface RunRecord {
  run: Run;
  steps: readonly StepRecord[];
  /** Runs this one started (a deploy's automatic rollback, a watch's rollback). */
  children: readonly Run[];
  secrets: readonly string[];
}

/** Long plan values (a watch's verdict segments) are cut in the markdown; the JSON has them whole. */
const PLAN_VALUE_CHARS = 300;

export function runRecordMarkdown(record: RunRecord): string {
  const kit = markdownKit(record.secrets);
  const { md } = kit;
  const { run } = record;
  const change = run.fromVersion || run.toVersion ? md`, ${run.fromVersion ?? '(nothing)'} -> ${run.toVersion ?? '(nothing)'}` : md``;
  const lines: Markdown[] = [
    md`# ${capitalized(run.kind)} ${run.status}: ${run.app} ${run.env}${change}`,
    md``,
    md`- run: ${run.id}`,
    md`- kind: ${run.kind}`,
    md`- status: ${run.status}`,
    md`- trigger: ${run.trigger}`,
    ...(run.reason ? [md`- reason: ${run.reason}`] : []),
    md`- requested by: ${run.requestedBy}`,
    md`- approved by: ${run.approvedBy ?? '(no approval needed)'}`,
    md`- created: ${run.createdAt}`,
    md`- started: ${run.startedAt ?? '(not started)'}`,
    md`- finished: ${run.finishedAt ?? '(not finished)'}`,
    md`- duration: ${humanDuration(durationMs(run))}`,
    ...(run.error ? [md`- error: ${run.error}`] : []),
    ...record.children.map((c) => md`- started ${c.kind} ${c.id}: ${c.status} (${c.fromVersion ?? '-'} -> ${c.toVersion ?? '-'})`),
    md``,
    md`## Steps`,
    md``,
    ...stepTable(record.steps, run.startedAt ?? run.createdAt, kit),
    md``,
    ...planLines(run, kit),
  ];
  return kit.document(lines);
}

/** Deploy plans are the steps above; any other plan is shown key by key, as the record has it. */
function planLines(run: Run, kit: ReturnType<typeof markdownKit>): Markdown[] {
  const { md } = kit;
  const plan = run.plan;
  if (run.kind === 'deploy' || typeof plan !== 'object' || plan === null || Array.isArray(plan)) return [];
  const entries = Object.entries(plan as Record<string, unknown>);
  const shown = (value: unknown) => {
    const text = JSON.stringify(value) ?? 'null';
    return text.length > PLAN_VALUE_CHARS ? `${text.slice(0, PLAN_VALUE_CHARS)}...` : text;
  };
  return [md`## Plan`, md``, ...entries.map(([key, value]) => md`- ${key}: ${kit.code(shown(value))}`), md``];
}

export function runRecordJson(record: RunRecord): Record<string, unknown> {
  const { run } = record;
  const ms = durationMs(run);
  return redactDeep({
    workflow: `rewind_${run.kind}`,
    run_id: run.id,
    kind: run.kind,
    status: run.status,
    app: run.app,
    env: run.env,
    from_version: run.fromVersion,
    to_version: run.toVersion,
    from_release_id: run.fromReleaseId,
    to_release_id: run.toReleaseId,
    trigger: run.trigger,
    reason: run.reason,
    requested_by: run.requestedBy,
    approved_by: run.approvedBy,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    duration_s: ms === null ? null : seconds(ms),
    error: run.error,
    steps: record.steps.map((s) => ({
      index: s.index, step_id: s.stepId ?? null, name: s.name, status: s.status, started_at: s.startedAt, finished_at: s.finishedAt,
      duration_ms: s.durationMs, output: s.output, error: s.error,
    })),
    children: record.children.map((c) => ({ run_id: c.id, kind: c.kind, status: c.status, trigger: c.trigger })),
    plan: run.plan,
  }, record.secrets) as Record<string, unknown>;
}

function durationMs(run: Run): number | null {
  if (!run.startedAt || !run.finishedAt) return null;
  return Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt));
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
