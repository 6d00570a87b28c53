/**
 * The small interfaces that side effects hide behind. Operations receive
 * implementations as arguments; core never touches fs, network or processes.
 */
import type { AuditHead } from './auditHead.js';
import type { AuditEvent, NewAuditEvent, Run, RunPatch, RunStatus, StepRecord, StepStatus } from './run.js';
import type { LockAcquisition, LockFence, LockHolder, LockTenure } from './lock.js';
import type { PhaseChange, PhaseRollbackEntry, StoredPhaseStatus } from './pipeline/phases.js';
import type { Release, ReleasePatch, ReleaseStatus } from './release.js';
import type { ClosableWatchProbe, WatchProbeSettings } from './watch/measurement.js';
import type { ExpectedBuild, HealthCheck, HealthResult, ProbeAnswer, Verification, VerifyInput } from './verification.js';

export interface Clock {
  now(): Date;
}

export interface ReleaseQuery {
  app: string;
  env: string;
  limit?: number;
  /** Only releases listed after this one (older; a release id): a page's cursor. An id the environment lacks lists nothing. */
  before?: string;
  /** Only releases listed before this one (newer; a release id). */
  after?: string;
  /** Only releases of this version. */
  version?: string;
  /** Only releases in one of these statuses. */
  statuses?: readonly ReleaseStatus[];
  /** Only these releases (ids): a few found one by one, put in the ledger's order. */
  ids?: readonly string[];
}

export interface RunQuery {
  app: string;
  env: string;
  limit?: number;
  /** Only runs listed after this one (older; a run id): a page's cursor. */
  before?: string;
  /** Only runs in one of these statuses. */
  statuses?: readonly RunStatus[];
  /** Only runs from this release (a release id). */
  fromReleaseId?: string;
  /** Only runs to this release (a release id). */
  toReleaseId?: string;
}

/** The releases a rollback could go to (see Ledger.rollbackCandidates). */
export interface CandidateQuery {
  app: string;
  env: string;
  /** Only releases older than this one (a release id); every release when absent. */
  before?: string;
  /** Leave out releases of this version (going "back" to the same code fixes nothing). */
  exceptVersion?: string;
  limit: number;
}

/**
 * Where releases, runs, steps and audit events live. Every method is async so
 * that a network store (PostgreSQL) fits behind the same interface.
 * Lists come back newest first.
 */
export interface Ledger {
  insertRelease(release: Release): Promise<void>;
  updateRelease(id: string, patch: ReleasePatch): Promise<void>;
  getRelease(id: string): Promise<Release | undefined>;
  listReleases(query: ReleaseQuery): Promise<Release[]>;
  /** Every release of every app and environment, newest first: the audit log covers them all. */
  listAllReleases(): Promise<Release[]>;
  /**
   * The ledger's live release, by an indexed query: the one activated most recently (the newest of
   * those activated at the same moment), as core's liveRelease finds it in the whole list; with
   * `version`, among the releases of that version only.
   */
  liveRelease(query: { app: string; env: string; version?: string }): Promise<Release | undefined>;
  /**
   * Rollback candidates, newest first: releases that passed verification and were never marked bad,
   * as the query says. core's lastKnownGood picks among them.
   */
  rollbackCandidates(query: CandidateQuery): Promise<Release[]>;
  /**
   * Releases that may be the build an app reports (a version, or a commit sha, full or abbreviated),
   * newest first, at most `limit`: every release core's releaseServing could match, and maybe others.
   */
  releasesOfBuild(query: { app: string; env: string; build: string; limit: number }): Promise<Release[]>;
  /**
   * Make one release the live one of its environment in one transaction: any
   * other release that was `live` or `verified` becomes `superseded`. With
   * `activatedAt`, also records that `current` switched to it then.
   */
  markLive(id: string, status: 'live' | 'verified', activatedAt?: string): Promise<void>;
  /**
   * Insert the releases of one app and environment, oldest first, in one
   * transaction, only while it has none: false (nothing written) when it has
   * some already. How a lost ledger is rebuilt without ever mixing histories.
   */
  fillReleases(app: string, env: string, releases: readonly Release[]): Promise<boolean>;

  insertRun(run: Run): Promise<void>;
  updateRun(id: string, patch: RunPatch): Promise<void>;
  getRun(id: string): Promise<Run | undefined>;
  listRuns(query: RunQuery): Promise<Run[]>;

  /** Journal a step as running; `stepId` is the plan step's stable id. */
  startStep(runId: string, index: number, name: string, at: string, stepId?: string): Promise<void>;
  finishStep(
    runId: string,
    index: number,
    result: { status: StepStatus; at: string; durationMs: number; output: string; error: string | null },
  ): Promise<void>;
  listSteps(runId: string): Promise<StepRecord[]>;

  /**
   * Take the lock named `key` for `holder`, atomically, under a new
   * generation (greater than any before for that key); else say who holds it.
   * With `replacing`, a lock held by that run (found stale by the caller, or
   * a parent run handing over to its child and back) is taken over instead:
   * given as a tenure, only while it is still that acquisition of it.
   */
  acquireLock(key: string, holder: LockHolder, replacing?: string | LockTenure): Promise<LockAcquisition>;
  /** Extend the lease; false when the lock is no longer this run's (at `generation`, when given). */
  renewLock(key: string, runId: string, expiresAt: string, generation?: number): Promise<boolean>;
  /** Give the lock up, if this run still holds it (at `generation`, when given). */
  releaseLock(key: string, runId: string, generation?: number): Promise<void>;
  /** The holder, with its generation; undefined when nobody holds the lock. */
  getLock(key: string): Promise<LockHolder | undefined>;
  /**
   * The same ledger, whose every write first checks, inside its own write
   * transaction, that `fence` still holds its lock at its generation, and
   * otherwise throws LOCK_LOST having written nothing. Reads, the lock
   * methods and close are the same as this ledger's.
   */
  fenced(fence: LockFence): Ledger;

  /**
   * Append to the hash-chained audit log; the store fills seq, prevHash and
   * hash (and keyId, keying the entry, when it was opened with a key).
   * insertRelease, updateRelease and markLive append a `release.state` entry
   * themselves for every release whose state they change.
   */
  appendAudit(event: NewAuditEvent): Promise<AuditEvent>;
  listAudit(): Promise<AuditEvent[]>;
  /** The newest entry's seq and hash; undefined while the log is empty. */
  auditHead(): Promise<AuditHead | undefined>;

  /** The phase statuses of an app's pipeline that were ever set (a phase without a row has none yet). */
  listPhaseStatuses(app: string): Promise<StoredPhaseStatus[]>;
  /** The app's phase rollbacks, newest first. */
  listPhaseRollbacks(app: string): Promise<PhaseRollbackEntry[]>;
  /**
   * Set phase statuses and record a rollback (if any) in one transaction;
   * refused with PHASE_CHANGED, changing nothing, when a status is no longer
   * the one the change expects.
   */
  changePhases(change: PhaseChange): Promise<void>;

  close(): Promise<void>;
}

export interface CommandOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface CommandResult {
  argv: string[];
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Starts processes from argument arrays: never through a shell. */
export interface Exec {
  /** Resolves with the result whatever the exit code; rejects only when the program cannot start. */
  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

/**
 * The file system as drivers and reports may change it: every write is
 * checked by the write guard first. Reads are unrestricted.
 */
export interface Files {
  /** Throws WRITE_REFUSED when the path resolves outside the write roots. */
  assertWritable(path: string): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  /** Write to a temporary file beside the target, then rename over it. */
  writeFileAtomic(path: string, data: string): Promise<void>;
  appendFile(path: string, data: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  copyDir(from: string, to: string): Promise<void>;
  /** Create a symlink at `path` pointing to `target` (relative targets are kept as given). */
  symlink(target: string, path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readFile(path: string): Promise<string | undefined>;
  readlink(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
  /** What is at `path` without following a final symlink (lstat); undefined when nothing is. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The path with every symlink resolved; undefined when it does not exist. */
  realpath(path: string): Promise<string | undefined>;
}

export interface FileStat {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mtimeMs: number;
}

/** A stand-in for the global fetch; tests hand one in (EnvDeps.fetch), normal use leaves it out. */
export interface FetchSeam {
  fetch?: typeof fetch | undefined;
}

/**
 * How a release is proven healthy (DESIGN's Probe): the HTTP health check,
 * the smoke commands, a one-off probe of an endpoint. Operations decide what
 * to check and what a verdict means; this does the asking.
 */
export interface Verifier {
  /** The health check, then (on a healthy service only) the smoke commands, run through `exec` (the host's). */
  verify(input: VerifyInput, io: FetchSeam & { exec: Exec }): Promise<Verification>;
  /** One health check, with whatever limits the caller sets (status reports; it does not verify). */
  checkHealth(health: HealthCheck, expected: ExpectedBuild, io?: FetchSeam): Promise<HealthResult>;
  /** Ask an endpoint once whether it answers at all (a drill: the target is not running yet). */
  probe(url: string, io?: FetchSeam): Promise<ProbeAnswer>;
  /** The probes a watch reads (Prometheus, error-rate samplers, the health check); closed when the watch ends. */
  watchProbe(settings: WatchProbeSettings): ClosableWatchProbe;
}
