/** What a watch is asked to do, and how it ended: shared by the watch run and what acts on its decision. */
import type { RewindError } from '../../core/errors.js';
import type { Run } from '../../core/run.js';
import type { WatchPlan } from '../../core/watch/watchPlan.js';
import type { RollbackResult } from '../applyRollback.js';

export interface WatchRequest {
  /** How long to watch; `watch.for` by default. */
  forMs?: number;
  /** Approve the tier-1 rollback if its plan needs approval (recorded in the audit log). */
  autoApprove?: boolean;
  /** What started the watch: `manual`, or `deploy` for `deploy --watch`. */
  trigger?: string;
}

export interface WatchResult {
  /** The window ended with no tier 1 or 2 acting (as RollbackResult.ok and DeployResult.ok say a run went well). */
  ok: boolean;
  run: Run;
  plan: WatchPlan;
  /** passed: the window ended with no tier 1 or 2 acting; rolled_back / escalated: that tier acted. */
  outcome: 'passed' | 'rolled_back' | 'escalated';
  rollback?: RollbackResult;
  /** Why the command does not exit 0: WATCH_ROLLED_BACK, WATCH_ESCALATED, or what stopped the rollback. */
  error?: RewindError;
}
