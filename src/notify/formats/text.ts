/**
 * The human wording shared by the chat formats (Slack, Telegram), so both
 * read the same; each format only adds its own markup.
 */
import { formatAuditHead } from '../../core/auditHead.js';
import type { NotifySeverity, RunNotification } from '../payload.js';

/** A detail line: its label and its value, for the format to mark up. */
export interface DetailLine {
  label: string;
  value: string;
}

export function detailLines(n: RunNotification): DetailLine[] {
  const lines: DetailLine[] = [];
  const versions = versionChange(n);
  if (versions !== null) lines.push({ label: 'Version', value: versions });
  if (n.reason !== null && n.reason.trim() !== '') lines.push({ label: 'Reason', value: oneLine(n.reason) });
  const who = n.approved_by === null ? n.requested_by : `${n.requested_by}, approved by ${n.approved_by}`;
  lines.push({ label: 'Requested by', value: who });
  if (n.duration_s !== null) lines.push({ label: 'Duration', value: formatSeconds(n.duration_s) });
  if (n.report !== null) lines.push({ label: 'Report', value: n.report });
  if (n.audit_head) lines.push({ label: 'Audit head', value: formatAuditHead(n.audit_head) });
  return lines;
}

/** The footer: where this came from, for someone reading it out of context. */
export function contextLine(n: RunNotification): string {
  return `rewind · ${n.app}/${n.env} · ${n.kind} ${n.run_id} · ${n.status} · ${n.event} · ${n.at}`;
}

export function versionChange(n: RunNotification): string | null {
  if (n.from_version === null && n.to_version === null) return null;
  return `${n.from_version ?? '?'} → ${n.to_version ?? '?'}`;
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return `${seconds}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${Math.round(seconds - minutes * 60)}s`;
}

/** Chat APIs refuse over-long messages outright; a clipped message still gets through. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Chat headlines are one line; a multi-line reason would break the layout. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export const SEVERITY_EMOJI: Record<NotifySeverity, { slack: string; unicode: string }> = {
  info: { slack: ':information_source:', unicode: 'ℹ️' },
  warning: { slack: ':warning:', unicode: '⚠️' },
  critical: { slack: ':rotating_light:', unicode: '🚨' },
};
