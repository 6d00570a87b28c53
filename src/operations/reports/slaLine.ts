import type { ReportFacts } from './reportInput.js';

/** `SLA: met (42.0 s within 90 s)` or `SLA: BREACHED: 120.5 s over 90 s`. */
export function slaLine(facts: ReportFacts): string {
  const took = (facts.input.durationMs / 1000).toFixed(1);
  if (facts.slaSeconds === null) return `SLA: none configured (took ${took} s)`;
  if (facts.slaBreached) return `SLA: BREACHED: ${took} s over ${facts.slaSeconds} s`;
  return `SLA: met (${took} s within ${facts.slaSeconds} s)`;
}
