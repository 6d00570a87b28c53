/**
 * What verifying a release finds out: the health check's attempts and
 * verdict, the smoke commands' results, and the whole verification as
 * reports and the ledger keep it. Data only: the checking itself happens in
 * verify/, behind the Verifier port (core/ports.ts).
 */
import type { TemplateVars } from './template.js';

/** The health check as the Verifier needs it: the `health:` section of an environment, durations in ms. */
export interface HealthCheck {
  url: string;
  expect_status: number;
  /** The JSON field the app reports its build in; false: do not check. */
  expect_version: string | false;
  timeout: number;
  interval: number;
  /** Consecutive passing attempts needed. */
  successes: number;
  /**
   * Stop after this many attempts, passed or not (until `timeout` when absent): a look at which
   * build the app serves asks once, and a wrong answer is an answer, not a reason to keep asking.
   */
  maxAttempts?: number;
}

/** The build a healthy service must report. */
export interface ExpectedBuild {
  version: string;
  sha: string | null;
}

export interface HealthAttempt {
  /** 1-based. */
  attempt: number;
  ok: boolean;
  status: number | null;
  reason: string;
  reported: string | null;
  /** Passing attempts in a row, this one included. */
  consecutive: number;
  durationMs: number;
}

export interface HealthResult {
  ok: boolean;
  url: string;
  attempts: number;
  durationMs: number;
  /** One line: why it passed, or the last failure and how long we tried. */
  reason: string;
  /** The last build value the service reported, if any. */
  reported: string | null;
  lastStatus: number | null;
}

export interface SmokeCommandResult {
  argv: string[];
  /** The exit code; null when the program could not be started at all. */
  code: number | null;
  durationMs: number;
  /** The end of stdout then stderr, enough to see why it failed. */
  outputTail: string;
}

export interface SmokeResult {
  ok: boolean;
  results: SmokeCommandResult[];
  /** One line naming the failing command; null when all passed. */
  reason: string | null;
}

export interface VerificationCheck {
  name: 'health' | 'smoke';
  ok: boolean;
  /** One line: what passed, or why it failed. */
  detail: string;
  durationMs: number;
}

export interface Verification {
  /** True also when nothing is configured: the caller decides what "unverifiable" means. */
  ok: boolean;
  /** Only the checks that ran: smoke is left out when health failed. */
  checks: VerificationCheck[];
  /** The first failing check's one line; null when all passed. */
  reason: string | null;
  /** The full results, for reports that want every attempt and command. */
  health?: HealthResult;
  smoke?: SmokeResult;
}

/** What to verify of one release on one host. */
export interface VerifyInput {
  health?: HealthCheck | undefined;
  smoke: readonly (readonly string[])[];
  expected: ExpectedBuild;
  /** Where smoke commands run (usually the release dir). */
  cwd?: string | undefined;
  vars: TemplateVars;
  env?: Record<string, string>;
  /** Per smoke command; unbounded when absent. */
  smokeTimeoutMs?: number;
}

export interface ProbeAnswer {
  /** The HTTP status, or null when nothing answered. */
  status: number | null;
  /** Why nothing answered, in one line. */
  reason: string | null;
}
