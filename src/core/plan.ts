/**
 * A plan is a value: computed from the ledger and what the driver reports,
 * saved as plan.json, shown as plan.md, and carried out step by step.
 */
import type { Reversibility } from './migrations/tool.js';
import type { Slot } from './traffic.js';
import type { TrafficRollbackCase } from './trafficCase.js';

export type RiskLevel = 'low' | 'medium' | 'high';

export interface Risk {
  code:
    | 'data_loss'
    | 'manual_migration'
    | 'distance'
    | 'target_unverified'
    | 'several_hosts'
    | 'no_health_check'
    | 'drift'
    | 'data_since_deploy'
    | 'target_missing'
    /** What the driver found about switching its target (see Driver.assess): what a switch does not revert. */
    | 'driver';
  level: RiskLevel;
  message: string;
}

export type PlanStepKind = 'snapshot' | 'make' | 'migrate' | 'ensure_release' | 'migration' | 'switch' | 'reload' | 'verify' | 'mark'
  | 'deprecate'
  /** Blue/green (core/trafficSteps): start a version in a slot, verify it there, send the traffic to it, stop a slot. */
  | 'start' | 'verify_slot' | 'route' | 'stop';

/** The steps that change what a target runs, as users reach it: a switch, or (blue/green) sending the traffic to a slot. */
export const SWITCHING_KINDS: readonly PlanStepKind[] = ['switch', 'route'];

/** One step of a plan, as shown and as run (see core/planSteps). */
export interface PlanStep {
  /** Stable: `switch:v1.1.0`, `switch:v1.1.0:batch-2`, `migration:003_add_index`; the journal and resume find steps by it. */
  id: string;
  kind: PlanStepKind;
  title: string;
  /** The version it acts for: the target of a switch, the failed release whose code reverts a migration. */
  version: string;
  /** The targets it acts on; absent: all of them. */
  hosts?: string[];
  /** The last batch: only its switch makes the release live, only its verify makes it verified. */
  final?: boolean;
  /** A migration step's migration id. */
  migration?: string;
  /** A deprecate step's message, as the operator gave it (`--deprecate-failed`). */
  message?: string;
  /** Blue/green: the slot a step acts on (see core/trafficSteps). */
  slot?: Slot;
}

/** What a deploy run carries out, saved on the run so that `rewind resume` carries out the same steps. */
export interface DeployPlan {
  kind: 'deploy';
  version: string;
  releaseId: string;
  previousReleaseId: string | null;
  autoRollback: boolean;
  /** Absent on deploys saved before step ids: they are made again from the same facts. */
  steps?: PlanStep[];
  /** What each target ran when the deploy started (`current`; null: nothing known), so a resume can tell whether it moved since. */
  observedBefore?: Record<string, string | null>;
  /** Blue/green: the idle slot the new version starts in; the slot left keeps running for traffic.keep_warm. */
  slot?: Slot;
}

export interface PlanRelease {
  releaseId: string;
  version: string;
  sha: string | null;
  verifiedAt: string | null;
}

/** A migration the rollback reverts, with what its down step does. */
export interface PlanMigration {
  id: string;
  reversibility: Reversibility;
  /** What the down step destroys (`DROP COLUMN items.note`); empty when nothing was found. */
  dataLoss: string[];
  /** The version whose deploy applied it: its release dir holds the down step. */
  appliedBy: string;
  /** The down step's file, relative to the release dir; null when there is none. */
  downPath: string | null;
}

export interface RollbackPlan {
  kind: 'rollback';
  app: string;
  env: string;
  driver: string;
  createdAt: string;
  reason: string;
  from: PlanRelease;
  to: PlanRelease;
  /** Why this target: `last_known_good` or `requested`. */
  targetChosenBy: 'last_known_good' | 'requested';
  /** Releases between target and failed one that are skipped over (newest first). */
  skipped: string[];
  steps: PlanStep[];
  /** Migrations reverted before the switch, newest first (absent in plans saved before migrations existed). */
  migrations?: PlanMigration[];
  risks: Risk[];
  riskLevel: RiskLevel;
  /** What the driver reported as live when the plan was made: a later apply can tell the world moved. */
  observedLive: string | null;
  /** Hosts where the target release is not present and intact: it is rebuilt (and shipped) there first. */
  missingOn: string[];
  /** A digest of the environment's releases in the ledger when the plan was made (see planBasis). */
  ledgerDigest: string;
  /** Whether approval is needed before it runs, under the environment's policy. */
  approvalRequired: boolean;
  /** The hosts that change; empty for an environment-scoped driver, which acts on the environment as a whole. */
  hosts: string[];
  /** host: the driver acts on each host; environment: on the whole environment (absent in plans saved before). */
  scope?: 'host' | 'environment';
  /** What the driver says about switching to the target (revisions it still has, what differs): see Driver.assess. */
  targetNotes?: string[];
  /** Blue/green: how it goes back (a switch back to the warm slot, or a start in the idle one first) and why. */
  traffic?: TrafficRollbackCase;
}

export const RISK_ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

export function highestRisk(risks: readonly Risk[]): RiskLevel {
  return risks.reduce<RiskLevel>((worst, r) => (RISK_ORDER[r.level] > RISK_ORDER[worst] ? r.level : worst), 'low');
}
