import type { PlanMigration } from '../../core/plan.js';
import type { StepRecord } from '../../core/run.js';

/** What became of a plan's migrations in a run: which were reverted, and which are applied now when a down step failed. */
export interface MigrationOutcome {
  planned: readonly PlanMigration[];
  reverted: string[];
  /** Known only when a down step failed (the tool was asked then); null otherwise. */
  appliedNow: string[] | null;
}

export function migrationOutcome(planned: readonly PlanMigration[] | undefined, steps: readonly StepRecord[], appliedNow: string[] | null | undefined): MigrationOutcome {
  const done = new Set(steps.filter((s) => s.status === 'succeeded').map((s) => s.name));
  const reverted = (planned ?? []).filter((m) => done.has(`revert migration ${m.id}`) || done.has(`operator reverts migration ${m.id}`)).map((m) => m.id);
  return { planned: planned ?? [], reverted, appliedNow: appliedNow ?? null };
}

/** The table plan.md and report.md show: newest first, as they are reverted. */
export function migrationTable(migrations: readonly PlanMigration[]): string[] {
  if (migrations.length === 0) return ['- none to revert'];
  return [
    '| migration | applied by | reversibility | data loss | down step |',
    '| --- | --- | --- | --- | --- |',
    ...migrations.map((m) => `| ${m.id} | ${m.appliedBy} | ${m.reversibility} | ${m.dataLoss.join(', ') || '-'} | ${m.downPath ?? '-'} |`),
  ];
}
