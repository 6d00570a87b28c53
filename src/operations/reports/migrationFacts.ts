import type { Markdown, MarkdownKit } from '../../core/markdown.js';
import type { PlanMigration } from '../../core/plan.js';
import type { StepRecord } from '../../core/run.js';

/** What became of a plan's migrations in a run: which were reverted, and which are applied now when a down step failed. */
export interface MigrationOutcome {
  planned: readonly PlanMigration[];
  reverted: string[];
  /** Known only when a down step failed (the tool was asked then); null otherwise. */
  appliedNow: string[] | null;
}

export function migrationOutcome(
  planned: readonly PlanMigration[] | undefined,
  steps: readonly StepRecord[],
  appliedNow: string[] | null | undefined,
): MigrationOutcome {
  const succeeded = steps.filter((s) => s.status === 'succeeded');
  const ids = new Set(succeeded.map((s) => s.stepId));
  // Steps journaled before ids existed are known by their names.
  const names = new Set(succeeded.filter((s) => s.stepId === undefined).map((s) => s.name));
  const reverted = (planned ?? [])
    .filter((m) => ids.has(`migration:${m.id}`) || names.has(`revert migration ${m.id}`) || names.has(`operator reverts migration ${m.id}`))
    .map((m) => m.id);
  return { planned: planned ?? [], reverted, appliedNow: appliedNow ?? null };
}

/** The table plan.md and report.md show: newest first, as they are reverted. */
export function migrationTable(migrations: readonly PlanMigration[], { md }: MarkdownKit): Markdown[] {
  if (migrations.length === 0) return [md`- none to revert`];
  return [
    md`| migration | applied by | reversibility | data loss | down step |`,
    md`| --- | --- | --- | --- | --- |`,
    ...migrations.map((m) =>
      md`| ${m.id} | ${m.appliedBy} | ${m.reversibility} | ${m.dataLoss.join(', ') || '-'} | ${m.downPath ?? '-'} |`),
  ];
}
