import { join } from 'node:path';
import type { EnvDeps } from '../operations/deps.js';
import { runDetail } from '../operations/dashboard/runDetail.js';

/**
 * One of a run's report files, only if it is one the run's report dir holds
 * (the name must be in the listing: no path is built from the request), as
 * plain text: the files were redacted when they were written.
 */
export async function reportFile(deps: EnvDeps, runId: string, name: string): Promise<{ text: string; type: string } | undefined> {
  const detail = await runDetail(deps, runId);
  if (!detail.reportDir || !detail.files.includes(name)) return undefined;
  const text = await deps.files.readFile(join(detail.reportDir, name));
  if (text === undefined) return undefined;
  const type = name.endsWith('.json') ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  return { text, type };
}
