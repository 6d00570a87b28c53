/**
 * A plan is a value: computed from the ledger and what the driver reports,
 * saved as plan.json, shown as plan.md, and carried out step by step.
 */
import type { Reversibility } from './migrations/tool.js';

export type RiskLevel = 'low' | 'medium' | 'high';

export interface Risk {
  code: 'data_loss' | 'manual_migration' | 'distance' | 'target_unverified' | 'several_hosts' | 'no_health_check' | 'drift' | 'data_since_deploy' | 'target_missing';
  level: RiskLevel;
  message: string;
}

export type PlanStepKind = 'snapshot' | 'ensure_release' | 'migration' | 'switch' | 'reload' | 'verify' | 'mark';

export interface PlanStep {
  kind: PlanStepKind;
  title: string;
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
  hosts: string[];
}

export const RISK_ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

export function highestRisk(risks: readonly Risk[]): RiskLevel {
  return risks.reduce<RiskLevel>((worst, r) => (RISK_ORDER[r.level] > RISK_ORDER[worst] ? r.level : worst), 'low');
}
