import { csvLine } from './csv.js';
import { seconds, utcStamp } from './format.js';
import { reportFacts, type RollbackReportInput } from './reportInput.js';

/** As in trend.csv, `reason` comes last so positional readers of the first columns are unaffected. */
export const SLA_HEADER = 'date,run_id,app,env,from_version,to_version,duration_s,sla_s,over_s,reason\n';

/**
 * sla-breaches.csv's row for a rollback that took longer than its SLA; null
 * when it did not, or when it was a drill (a drill restores nothing, so it
 * cannot breach a restore SLA: its timing is in trend.csv and the drill log).
 */
export function slaBreachRow(input: RollbackReportInput): string | null {
  const facts = reportFacts(input);
  if (!facts.slaBreached || facts.dryRun || facts.slaSeconds === null) return null;
  const overMs = input.durationMs - facts.slaSeconds * 1000;
  return csvLine(
    [
      utcStamp(facts.at),
      input.run.id,
      input.plan.app,
      input.plan.env,
      input.plan.from.version,
      input.plan.to.version,
      seconds(input.durationMs),
      facts.slaSeconds,
      seconds(overMs),
      input.plan.reason,
    ],
    facts.secrets,
  );
}
