/**
 * How a kind of target is switched between versions. One module per driver
 * (src/drivers/*) implements this; the engine and operations only see this.
 */
import type { Duplex } from 'node:stream';
import type { ZodType } from 'zod';
import type { Risk } from './plan.js';
import type { Clock, Exec, Files } from './ports.js';
import type { TemplateVars } from './template.js';
import type { Slot } from './traffic.js';

/**
 * The detail a driver sets on a BUILD_FAILED error when the version itself
 * cannot be made (its code does not build), as opposed to the place failing:
 * a rollback whose target is broken that way has no known good version.
 */
export const VERSION_BROKEN = 'versionBroken';

/** What the target is really running, read from the target itself. */
export interface LiveState {
  /** The version the target points at, or null when nothing is deployed. */
  version: string | null;
  /** Where it points (a release dir, an image, a tag), for reports. */
  artifact: string | null;
  /** Anything odd: `current` points outside releases/, is not a symlink, ... */
  problems: string[];
}

export interface PreparedRelease {
  version: string;
  /** The commit the release was made from, when the source knows it. */
  sha: string | null;
  /** That commit's committer date (ISO 8601, UTC), when the source can tell: lead time for changes starts there. */
  committedAt?: string | null;
  artifact: string;
  /** True when an intact release was already there and nothing was rebuilt. */
  reused: boolean;
}

export interface PrepareOptions {
  /** Make it again even if it looks ready: it was found damaged (its checksums no longer hold). */
  rebuild?: boolean;
  run?: RunContext;
}

/** The run a driver call is part of: a driver that runs the user's commands hands it on as REWIND_* variables (see rewindEnv). */
export interface RunContext {
  runId: string;
  user: string;
  /** The version the target ran when the run began: the one being left. */
  previousVersion: string | null;
  /**
   * What the ledger recorded as the artifact of the release the run switches
   * to (an image ID), null before it is made: a driver whose names can move
   * (a tag) goes by this instead.
   */
  targetArtifact?: string | null;
  /** The run's report dir on this machine, for what a driver keeps for the post-mortem (snapshot). */
  reportDir?: string;
  /** What kind of run switches: a rollback leaves a broken release, which some drivers back up first. */
  kind?: 'deploy' | 'rollback';
}

export interface Driver {
  readonly kind: string;
  inspect(): Promise<LiveState>;
  /**
   * Make the release ready to switch to. Idempotent: an intact release is
   * reused. On failure nothing half-made is left where it could be switched to.
   */
  prepare(version: string, options?: PrepareOptions): Promise<PreparedRelease>;
  /**
   * Is the release present and intact on the target? (read-only) `artifact`
   * is what the ledger recorded for it. A driver that cannot make a missing
   * release again (an image gone from its engine) throws TARGET_GONE, which
   * the plan passes on: refused before any approval is asked.
   */
  isPresent(version: string, artifact?: string | null): Promise<boolean>;
  /**
   * Point the target at a prepared release; atomic where the driver allows.
   * A driver that runs the user's commands may return one line saying what
   * ran and what it said, for the step's output.
   */
  activate(version: string, run?: RunContext): Promise<string | void>;
  /**
   * What activate would do for `version`, said without doing it (a drill):
   * `would run ./switch.sh v1.1.0 in /srv/app`. Optional: without it a drill
   * says the switch in general terms.
   */
  describeActivate?(version: string): Promise<string>;
  /** Remove old releases, never one whose version is in `protect`; returns the versions removed. */
  prune(protect: readonly string[]): Promise<string[]>;
  /** Variables for commands that run against a release: {release_dir}, {previous_release_dir}, ... */
  vars(version: string): Promise<TemplateVars>;
  /**
   * The releases rewind made that the target still holds, read-only: how a
   * lost ledger is noticed and rebuilt. Optional: a driver whose target keeps
   * no record of rewind's own (git, command) has none to give.
   */
  madeReleases?(): Promise<MadeReleases>;
  /**
   * Part of verification: that the target runs the recorded artifact (the
   * running container's image ID), as one line of evidence; throws
   * VERIFY_FAILED when it does not. Optional: most targets have nothing
   * beyond what the health check already proves.
   */
  confirmRunning?(version: string, artifact: string | null): Promise<string>;
  /**
   * What the target keeps set aside to go back to (stopped containers), newest
   * first, for `status`. Optional: a driver whose old releases are plain
   * files (releases, git) shows them through the ledger alone.
   */
  kept?(): Promise<KeptRelease[]>;
  /**
   * For a rollback's plan, before approval: what the target holds for
   * `version` (the revisions a cluster still has, what differs from what
   * runs) as notes, and what a switch will not revert as risks. Throws
   * TARGET_GONE or TARGET_BLOCKED (a paused Deployment) to stop the plan.
   */
  assess?(version: string, artifact: string | null): Promise<TargetAssessment>;
  /**
   * The artifact as the target knows it once `version` runs there and is
   * verified (a Deployment's revision, template hash and image digest): it
   * replaces what prepare recorded. Optional.
   */
  settledArtifact?(version: string): Promise<string | null>;
  /**
   * What runs now, kept for the post-mortem before a rollback switches:
   * written under `dir` on this machine; returns the files written.
   * Optional; it runs with the diagnostics, under their bound.
   */
  snapshot?(dir: string): Promise<string[]>;
  /**
   * Mark a failed version so that nobody installs it by mistake, where the
   * target has such a mark (npm's deprecate): `rollback --deprecate-failed`.
   * Returns one line for the step's output. Optional: a rollback asking for
   * it on a driver without it is refused before anything changes.
   */
  deprecate?(version: string, message: string): Promise<string>;
  /**
   * Stop what this instance runs, keeping it ready to start again: a
   * blue/green slot that takes no traffic (its container). Optional: a
   * slot of a driver without it is stopped by `traffic.stop`, if configured.
   */
  stop?(): Promise<string>;
}

export interface TargetAssessment {
  notes: string[];
  risks: Risk[];
}

/** One version a target keeps set aside, ready to go back to. */
export interface KeptRelease {
  version: string;
  /** What it runs from (an image ID). */
  artifact: string;
  /** Where it is kept: `shop-web-v1.2.0-20261203T071754.123Z`. */
  name: string;
  /** When it was set aside, by the target's own record. */
  since: string | null;
  /** Set aside because it failed to start or become healthy. */
  failed: boolean;
}

/** What a target holds of rewind's making, by its own record (a release's manifest). */
export interface MadeReleases {
  /** Where they are kept, for messages: `/srv/shop/releases`. */
  where: string;
  releases: MadeRelease[];
}

export interface MadeRelease {
  version: string;
  sha: string | null;
  /** When it was made, by its own record; null when that is unknown. */
  madeAt: string | null;
  /** As `prepare` names it: the release dir. */
  artifact: string;
}

/**
 * Where one driver instance acts. A host-scoped driver gets one per host of
 * the environment; an environment-scoped driver gets one for the whole
 * environment, acting from this machine.
 */
export interface DriverHost {
  /** `local` or `user@host:port`; for an environment-scoped driver, the environment's name. */
  name: string;
  /** What `{host}` stands for in the driver's settings. */
  address: string;
  /** Reached over SSH: its paths must be absolute, and releases are built here and shipped to it. */
  remote: boolean;
  /** What relative paths of the driver's section are resolved against: the config file's dir here, `/` on a remote host. */
  base: string;
}

/** A key of a driver's section (`path`) and the directory it names on one host. */
export interface WrittenPath {
  key: string;
  path: string;
}

/** The I/O a driver instance is given: it acts only through these. */
export interface DriverIo {
  app: string;
  env: string;
  host: DriverHost;
  /** Runs processes on the host (this machine for a local or environment-scoped driver). */
  exec: Exec;
  /** The host's files, behind the write guard of the module's writeRoots. */
  files: Files;
  clock: Clock;
  /** The config file's directory on this machine, where sources named in the config are found. */
  configDir: string;
  /** rewind's state dir on this machine: scratch space such as a staging dir for releases built here. */
  stateDir: string;
  /** This machine's runner and files (the same as exec and files when the host is local). */
  local: { exec: Exec; files: Files };
  /** Copy a file of this machine to the host; only for remote hosts. */
  upload?: (localPath: string, remotePath: string) => Promise<void>;
  /** A stream to a Unix socket on the host over its SSH connection (an engine's socket); only for remote hosts. */
  openUnixSocket?: (path: string) => Promise<Duplex>;
  /** One map per environment, shared by the instances of every host: for work done once for all of them. */
  shared: Map<string, unknown>;
  /**
   * The environment variables rewind was started with, for what a driver's
   * section names by variable (npm.token_env, KUBECONFIG, DOCKER_HOST).
   */
  variables: Readonly<Record<string, string | undefined>>;
  /**
   * The environment's smoke commands, for a driver that validates a version
   * where it is staged, before it goes live (verification runs them again after).
   */
  smoke?: readonly (readonly string[])[];
  /**
   * A one-time password, asked for when a registry wants one for a write
   * (`--otp`, else a prompt on a terminal); undefined when there is none.
   * Each call may ask again: a code is good for one write.
   */
  oneTimePassword?: (why: string) => Promise<string | undefined>;
  /** This process, and whether another process of this machine still runs: for leftovers named by the pid that made them. */
  self?: { pid: number; isAlive(pid: number): boolean };
  /**
   * Blue/green (`traffic:`): the slot this instance acts on, which has a
   * place of its own beside the other slot's (a `current-<slot>` link, a
   * `<container>-<slot>` container) and `{slot}`/`{port}` in its commands.
   * Only given to a module with `slots: true`.
   */
  slot?: SlotIo;
}

/** One blue/green slot as a driver instance sees it. */
export interface SlotIo {
  name: Slot;
  port: number;
}

/**
 * A kind of driver, as `src/drivers/index.ts` lists it. Adding a driver is
 * one folder that exports one of these and one line in that list.
 */
export interface DriverModule<Config = unknown> {
  /** The `driver:` value, and the key of the driver's own section of an environment. */
  readonly kind: string;
  readonly scope: 'host' | 'environment';
  /** One line for the reference: what the driver switches and how. */
  readonly summary: string;
  /** The zod schema of the driver's section; the config schema, the JSON Schema and the README are built from it. */
  readonly schema: ZodType<Config>;
  /** What a missing section must hold, for the error: `path, source`. */
  readonly needs: string;
  /** The paths the driver may write on `host`, handed to that host's write guard. */
  writeRoots(config: Config, host: DriverHost): string[];
  /**
   * The keys of its section that name where it writes on `host`, each with
   * the path it resolves to there, for the loader's rules on such paths (never
   * `/`, a system directory, the config's own directory or a parent of it,
   * nor one holding state.dir). Without it, each write root is checked and a
   * problem is reported at the section.
   */
  writtenPaths?(config: Config, host: DriverHost): WrittenPath[];
  create(config: Config, io: DriverIo): Driver;
  /**
   * Whether it can run two versions side by side, one per blue/green slot
   * (io.slot): what an environment's `traffic:` section needs.
   */
  readonly slots?: boolean;
  /** For `rewind init`: the commented `driver:` line, `hosts:` and section of an environment, indented as under `production:`. */
  starter?(app: string): string;
}
