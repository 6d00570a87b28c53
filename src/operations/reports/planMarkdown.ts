import type { RollbackPlan } from '../../core/plan.js';
import { migrationTable } from './migrationFacts.js';

/** plan.md: what a rollback will do and what could go wrong, for a human to read before --apply. */
export function planMarkdown(plan: RollbackPlan, runId: string, options: { applying?: boolean } = {}): string {
  const lines = [
    `# Rollback plan: ${plan.app} ${plan.env}, ${plan.from.version} -> ${plan.to.version}`,
    '',
    `- run: ${runId}`,
    `- made: ${plan.createdAt}`,
    `- reason: ${plan.reason}`,
    `- from: ${describe(plan.from)} (release ${plan.from.releaseId})`,
    `- to: ${describe(plan.to)} (release ${plan.to.releaseId}), ` +
      `chosen as ${plan.targetChosenBy === 'last_known_good' ? 'the last known good release' : 'requested with --target-version'}`,
    `- current now: ${plan.observedLive ?? 'nothing, or not the same on every host'}`,
    ...plan.risks.filter((r) => r.code === 'drift').map((r) => `- drift between the ledger, current and the app: ${r.message}`),
    plan.scope === 'environment'
      ? `- acts on: the ${plan.env} environment as a whole (the ${plan.driver} driver has no hosts)`
      : `- hosts: ${plan.hosts.join(', ')}`,
    `- risk: **${plan.riskLevel}**`,
    '',
    '## Steps',
    '',
    ...plan.steps.map((step, i) => `${i + 1}. ${step.title}`),
    '',
    ...(plan.migrations && plan.migrations.length > 0
      ? ['## Migrations to revert (newest first, before the switch)', '', ...migrationTable(plan.migrations), '']
      : []),
    '## Risks',
    '',
    ...(plan.risks.length > 0 ? plan.risks.map((r) => `- ${r.level}: ${r.message}`) : ['- none found']),
    '',
    ...(options.applying ? [] : ['Nothing has been changed. Carry this plan out with `rewind rollback --apply`.', '']),
  ];
  return lines.join('\n');
}

function describe(release: RollbackPlan['from']): string {
  const sha = release.sha ? ` (${release.sha.slice(0, 7)})` : '';
  const verified = release.verifiedAt ? `, verified ${release.verifiedAt}` : ', never verified';
  return `${release.version}${sha}${verified}`;
}
