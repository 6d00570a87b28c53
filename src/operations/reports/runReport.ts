/**
 * The rollback report's public names, kept where applyRollback imports them
 * from. New code: `writeRollbackReports` in writeRollbackReports.ts.
 */
export type { NotificationOutcome, ReportPlacement, RollbackReportInput, Severity } from './reportInput.js';
export { rollbackReportMarkdown } from './reportMarkdown.js';
export { rollbackSummary, rollbackSummaryJson } from './summaryJson.js';
