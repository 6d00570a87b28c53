import { join, relative } from 'node:path';
import { auditHeadFrom } from '../core/auditHead.js';
import type { AuditAnchor } from '../core/auditChain.js';
import type { Files } from '../core/ports.js';
import { auditHeadInReport } from './reports/auditHeadLine.js';
import { reportsRoot } from './reports/writeRollbackReports.js';

/** Reports live at reports/rollbacks/<run>/; a little deeper is allowed, a symlinked tree is not followed. */
const MAX_DEPTH = 4;

/**
 * Every audit head recorded under `<stateDir>/reports/`: `audit_head` in each
 * summary.json and the `- audit head:` line of each report.md. Reports from
 * before heads were recorded have neither and are passed over. Sources are
 * named relative to the state dir (`reports/rollbacks/<run>/summary.json`).
 */
export async function findAuditAnchors(files: Files, stateDir: string): Promise<AuditAnchor[]> {
  const anchors: AuditAnchor[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const name of await files.list(dir)) {
      const path = join(dir, name);
      const type = (await files.stat(path))?.type;
      if (type === 'dir' && depth < MAX_DEPTH) await visit(path, depth + 1);
      if (type !== 'file' || (name !== 'summary.json' && name !== 'report.md')) continue;
      const head = headIn(name, (await files.readFile(path)) ?? '');
      if (head) anchors.push({ ...head, source: relative(stateDir, path) });
    }
  };
  await visit(reportsRoot(stateDir), 1);
  return anchors;
}

function headIn(name: string, text: string): ReturnType<typeof auditHeadFrom> {
  if (name === 'report.md') return auditHeadInReport(text);
  try {
    return auditHeadFrom((JSON.parse(text) as { audit_head?: unknown }).audit_head);
  } catch {
    // A summary.json that is not JSON records no head to check.
    return undefined;
  }
}
