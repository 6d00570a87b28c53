import { markdownKit } from '../../core/markdown.js';
import type { RollbackPlan } from '../../core/plan.js';
import { migrationTable } from './migrationFacts.js';

/** plan.md: what a rollback will do and what could go wrong, for a human to read before --apply. */
export function planMarkdown(plan: RollbackPlan, runId: string, options: { applying?: boolean } = {}): string {
  const kit = markdownKit();
  const { md } = kit;
  const chosenAs = plan.targetChosenBy === 'last_known_good' ? 'the last known good release' : 'requested with --target-version';
  const lines = [
    md`# Rollback plan: ${plan.app} ${plan.env}, ${plan.from.version} -> ${plan.to.version}`,
    md``,
    md`- run: ${runId}`,
    md`- made: ${plan.createdAt}`,
    md`- reason: ${plan.reason}`,
    md`- from: ${describe(plan.from)} (release ${plan.from.releaseId})`,
    md`- to: ${describe(plan.to)} (release ${plan.to.releaseId}), chosen as ${chosenAs}`,
    md`- current now: ${plan.observedLive ?? 'nothing, or not the same on every host'}`,
    ...plan.risks.filter((r) => r.code === 'drift').map((r) => md`- drift between the ledger, current and the app: ${r.message}`),
    plan.scope === 'environment'
      ? md`- acts on: the ${plan.env} environment as a whole (the ${plan.driver} driver has no hosts)`
      : md`- hosts: ${plan.hosts.join(', ')}`,
    ...(plan.traffic ? [md`- traffic: ${trafficLine(plan.traffic)}`] : []),
    md`- risk: **${plan.riskLevel}**`,
    md``,
    md`## Steps`,
    md``,
    ...plan.steps.map((step, i) => md`${i + 1}. ${step.title}`),
    md``,
    ...(plan.migrations && plan.migrations.length > 0
      ? [md`## Migrations to revert (newest first, before the switch)`, md``, ...migrationTable(plan.migrations, kit), md``]
      : []),
    ...(plan.targetNotes && plan.targetNotes.length > 0
      ? [md`## The target, as the ${plan.driver} driver sees it`, md``, ...plan.targetNotes.map((n) => md`- ${n}`), md``]
      : []),
    md`## Risks`,
    md``,
    ...(plan.risks.length > 0 ? plan.risks.map((r) => md`- ${r.level}: ${r.message}`) : [md`- none found`]),
    md``,
    ...(options.applying ? [] : [md`Nothing has been changed. Carry this plan out with \`rewind rollback --apply\`.`, md``]),
  ];
  return kit.document(lines);
}

function describe(release: RollbackPlan['from']): string {
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  const verified = release.verifiedAt ? `, verified ${release.verifiedAt}` : ', never verified';
  return `${release.version}${sha}${verified}`;
}

/** Blue/green: which case the rollback is, and why (core/trafficCase). */
export function trafficLine(traffic: NonNullable<RollbackPlan['traffic']>): string {
  const how = traffic.kind === 'switch_back'
    ? `switch back to the ${traffic.slot} slot (no start)`
    : `start the target in the ${traffic.slot} slot, verify it there, then switch`;
  return `${how}: ${traffic.why}`;
}
