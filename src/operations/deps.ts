import type { EnvironmentConfig } from '../config/schema/index.js';
import type { EventSink } from '../core/events.js';
import type { MigrationTool } from '../core/migrations/tool.js';
import type { Clock, Exec, Files, Ledger, Verifier } from '../core/ports.js';
import type { ProcessIdentity } from '../core/lock.js';
import type { BoundaryHook } from '../core/boundaryHook.js';
import type { ApprovalSigner } from '../core/approvalSignature.js';
import type { NotifyOutcome, RunNotification } from '../core/notification.js';
import type { Target } from '../core/target.js';
import type { AuditKey } from '../core/auditHash.js';
import type { WatchConfig } from '../core/watch/measurement.js';
import type { RewindError } from '../core/errors.js';

/**
 * Everything an operation on one environment needs, passed in: operations
 * never reach for globals, so tests and the library can wire their own.
 */
export interface EnvDeps {
  app: string;
  envName: string;
  env: EnvironmentConfig;
  /** Absolute; holds the ledger and reports/. */
  stateDir: string;
  ledger: Ledger;
  /** Every host of the environment, in the order of its config; one for a local environment. */
  targets: Target[];
  /** How hosts change together: `concurrency` at a time, the first `canary` alone, then batches of `batch`. */
  fleet: FleetPolicy;
  /** The driver kind, for plans and reports. */
  driverKind: string;
  /** host: one target per host; environment: one target, named after the environment, for the whole of it. */
  scope: 'host' | 'environment';
  /** Runs processes on this machine (git config, for instance), never on a target host. */
  exec: Exec;
  /** This machine's files under the write roots: the ledger's reports, plans and logs. */
  files: Files;
  clock: Clock;
  /** Who is acting: REWIND_USER, git's user.email, or the OS user. */
  user: string;
  events: EventSink;
  /** A short random suffix for ids (4 hex characters). */
  random: () => string;
  /** Health checks, smoke commands and probes (src/verify/ in normal use). */
  verifier: Verifier;
  /**
   * A problem with the configuration found only when it is used (a query Prometheus rejects), as the
   * CONFIG_INVALID error the loader would give: `rewind.yaml:LINE: key: message`. Paths are from the file's top.
   */
  configError?: (problems: readonly { path: readonly (string | number)[]; message: string }[]) => RewindError;
  /** The environment's `watch:` section, durations in ms; absent when it has none. */
  watch?: WatchConfig;
  /** Handed to every verifier call: a test's stand-in for the global fetch. */
  fetch?: typeof fetch;
  /** This process: lock holders name it; another holder on this host is judged alive by pid. */
  self: ProcessIdentity;
  /** How long an environment lock's lease lasts without renewal (REWIND_LEASE_MS); the engine's LEASE_MS when absent. */
  leaseMs?: number;
  /** Sends a run event to the environment's receivers; absent when none are configured. */
  notify?: (notification: RunNotification) => Promise<NotifyOutcome[]>;
  /** Values redacted from every report, log line and audit entry (tokens, webhook URLs, passwords). */
  secrets: readonly string[];
  /** The key of a keyed audit chain (audit.key_env), which `audit verify` checks entries with; the ledger keys new ones. */
  auditKey?: AuditKey;
  /** The variable audit.key_env names, for messages about the key. */
  auditKeyEnv?: string;
  /** The environment's migration tool, when it has a migrations section. */
  migrations?: MigrationTool;
  /** Present when approval.allowed_signers is set: then only an approval signed by an approver's SSH key counts. */
  signer?: ApprovalSigner;
  /** Fault injection for tests of resume (REWIND_FAULT_KILL_AT); never set in normal use. */
  faults?: { kind: string; hook: BoundaryHook };
}

export interface FleetPolicy {
  concurrency: number;
  canary: number;
  batch: number;
}
