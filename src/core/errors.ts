/**
 * The one table of error codes. Every failure a user can see carries one of
 * these codes; the exit code and the one-line explanation come from here so
 * that the CLI, the JSON output and the docs never disagree.
 */
export const EXIT = {
  ok: 0,
  runFailed: 1,
  usage: 2,
  blocked: 3,
  noKnownGood: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

interface ErrorDefinition {
  exit: ExitCode;
  explanation: string;
}

export const ERRORS = {
  USAGE: { exit: EXIT.usage, explanation: 'The command line was not understood: a flag or argument is missing or malformed.' },
  CONFIG_NOT_FOUND: {
    exit: EXIT.usage,
    explanation: 'No rewind.yaml was found in this directory or any parent; run `rewind init` or pass --config.',
  },
  CONFIG_INVALID: {
    exit: EXIT.usage,
    explanation: 'rewind.yaml is not valid YAML or does not match the schema; the message names the line and key.',
  },
  CONFIG_EXISTS: { exit: EXIT.usage, explanation: '`rewind init` will not overwrite an existing rewind.yaml without --force.' },
  UNKNOWN_ENV: { exit: EXIT.usage, explanation: 'The environment named by --env (or default_env) is not declared under `environments`.' },
  NO_ENVIRONMENT: {
    exit: EXIT.usage,
    explanation: 'rewind.yaml declares no environments (it holds only a pipeline); every command but `rewind pipeline` needs one.',
  },
  UNSAFE_NAME: {
    exit: EXIT.usage,
    explanation:
      'A version or id must be 1-128 characters of letters, digits, `.`, `_`, `+`, `-`, not start with `-` or `.`, and not ' +
      'contain `..`.',
  },
  UNSAFE_ACTOR: {
    exit: EXIT.usage,
    explanation:
      'Who acts (REWIND_USER, else git user.email, else the OS user) must be one line of text: control characters, such as a ' +
      'newline or ESC, would let the name forge lines in reports and the audit log.',
  },
  RELEASE_NOT_FOUND: { exit: EXIT.usage, explanation: 'The release or version named is not in the ledger for this environment.' },
  RUN_NOT_FOUND: { exit: EXIT.usage, explanation: 'No run with that id is in the ledger.' },
  SOURCE_NOT_FOUND: { exit: EXIT.usage, explanation: 'The release source (git ref, directory or tarball) does not exist.' },
  NOTHING_LIVE: {
    exit: EXIT.usage,
    explanation:
      'There is no live release to roll back from (name one with --failed-deployment-id) or to verify (deploy one, or ' +
      '`rewind record` one made elsewhere).',
  },
  FAILED_NOT_RUNNING: {
    exit: EXIT.usage,
    explanation:
      'The release named by --failed-deployment-id is not what runs (by `current` and by what the app reports): a rollback ' +
      'starts from what runs; nothing was saved or changed.',
  },
  BAD_TARGET: {
    exit: EXIT.usage,
    explanation: 'The requested rollback target cannot be used (it is the live release, or it is newer than the failed one).',
  },
  TARGET_GONE: {
    exit: EXIT.blocked,
    explanation:
      'The rollback target is gone from a host and rewind cannot make it again there (an image removed from its engine); ' +
      'the message names the host and how to bring it back. Nothing was saved or changed.',
  },
  TARGET_BLOCKED: {
    exit: EXIT.blocked,
    explanation:
      'The target will not take a switch now (a paused Deployment, a GitOps controller that would undo it); the message ' +
      'names what and how to clear it. Nothing was saved or changed.',
  },
  WRITE_REFUSED: {
    exit: EXIT.usage,
    explanation: 'rewind refused to write outside the configured write roots (safety.allow_writes_only_under and release paths).',
  },
  PLAN_STALE: { exit: EXIT.usage, explanation: 'The saved plan no longer matches the ledger or what the target runs; make a new plan.' },
  RUN_NOT_RESUMABLE: {
    exit: EXIT.usage,
    explanation: 'That run cannot be carried out or resumed in its current state (finished, cancelled, or of another environment).',
  },
  APPROVAL_REFUSED: {
    exit: EXIT.usage,
    explanation: 'You may not approve this run: you are not on approval.approvers, or you asked for it and self-approval is off.',
  },
  SIGNING_FAILED: {
    exit: EXIT.usage,
    explanation:
      'The approval could not be signed or checked: ssh-keygen (OpenSSH 8.2 or newer) is missing, or it could not use the key ' +
      'given with --key, or approval.allowed_signers cannot be read.',
  },
  CONFIRMATION_NEEDED: {
    exit: EXIT.usage,
    explanation: 'A change needs confirmation but there is no terminal to ask on; pass --yes to confirm.',
  },
  PIPELINE_NOT_CONFIGURED: {
    exit: EXIT.usage,
    explanation: 'The pipeline commands need a `pipeline:` section in rewind.yaml (dir, phases, optional paths and approvers).',
  },
  PHASE_UNKNOWN: { exit: EXIT.usage, explanation: 'The phase named is not one of pipeline.phases.' },
  PHASE_ORDER: { exit: EXIT.usage, explanation: 'A phase rollback goes back: --to must name a phase earlier than --from.' },
  PHASE_PATH_NOT_ALLOWED: {
    exit: EXIT.usage,
    explanation: 'pipeline.paths lists the allowed rollbacks, and this from/to pair is not one of them.',
  },
  PHASE_STATE: {
    exit: EXIT.usage,
    explanation:
      'The phase is not in a state that allows this: a rollback starts from the furthest phase reached, and only the phase in ' +
      'progress can be advanced.',
  },
  PHASE_CHANGED: {
    exit: EXIT.blocked,
    explanation:
      'The pipeline changed while this command was deciding (another rollback or advance); look at `rewind pipeline status` ' +
      'and run it again.',
  },
  PHASE_CONFIRMATION_NEEDED: {
    exit: EXIT.blocked,
    explanation: 'Rolling back more than two phases needs confirmation and there is no terminal to ask on; pass --yes.',
  },
  PHASE_ESCALATION: {
    exit: EXIT.blocked,
    explanation:
      'This phase was already rolled back to twice: a third time needs a fundamental reassessment, or --override-escalation by ' +
      'someone on pipeline.approvers.',
  },
  CANCELLED: { exit: EXIT.runFailed, explanation: 'The operator declined; nothing was changed.' },
  BUILD_FAILED: {
    exit: EXIT.runFailed,
    explanation: 'Making the release failed (export, build or link); it was removed and never became current.',
  },
  STEP_FAILED: { exit: EXIT.runFailed, explanation: 'A step of the run failed; the report says which and what state the target is in.' },
  VERIFY_FAILED: { exit: EXIT.runFailed, explanation: 'The release did not pass verification (health check or smoke command).' },
  LEDGER_COPY_REFUSED: {
    exit: EXIT.usage,
    explanation:
      '`rewind ledger copy` fills an empty PostgreSQL ledger from an existing SQLite ledger of the same schema; nothing was ' +
      'written.',
  },
  LEDGER_LOST: {
    exit: EXIT.usage,
    explanation:
      'The ledger holds nothing of this environment, but its targets hold releases made by rewind or its reports tell of runs: ' +
      'the ledger was lost. `rewind ledger rebuild` re-creates the releases; --new-ledger starts afresh; nothing was written.',
  },
  LEDGER_REBUILD_REFUSED: {
    exit: EXIT.usage,
    explanation:
      '`rewind ledger rebuild` fills a ledger that holds no releases of the environment, from what every host holds; ' +
      'nothing was written.',
  },
  LEDGER_ERROR: { exit: EXIT.runFailed, explanation: 'The ledger could not be read or written.' },
  AUDIT_KEY: {
    exit: EXIT.usage,
    explanation:
      'audit.key_env names a variable that is not set or holds a key shorter than 16 characters; or `audit verify` found ' +
      'entries keyed with a key it was not given, whose hashes it cannot check.',
  },
  HOST_UNREACHABLE: {
    exit: EXIT.runFailed,
    explanation:
      'A host (over SSH) or a service (a registry) could not be reached: connection refused, timed out, or the name does not resolve.',
  },
  ENGINE_UNREACHABLE: {
    exit: EXIT.runFailed,
    explanation: 'A Docker engine did not answer at its socket (missing, refused, no permission, or not an engine).',
  },
  TRAFFIC_PROXY_UNREACHABLE: {
    exit: EXIT.runFailed,
    explanation:
      'The blue/green proxy could not be read: nginx\'s upstream file is missing, unreadable or holds no such upstream block; ' +
      'HAProxy\'s admin socket is missing, refuses connections, is not this user\'s, or lacks the backend or a slot\'s server. ' +
      'The message names the file or socket; nothing was switched.',
  },
  TRAFFIC_SWITCH_REFUSED: {
    exit: EXIT.runFailed,
    explanation:
      'The proxy refused the switch (`nginx -t` or the reload failed, HAProxy answered an error or would send to a server that ' +
      'is down): traffic stays where it was, and the message quotes the proxy.',
  },
  TRAFFIC_SPLIT: {
    exit: EXIT.blocked,
    explanation:
      "The hosts' blue/green proxies send traffic to different slots (or one to none): no one plan can say which slot is idle; " +
      'nothing was changed. `rewind status` shows each host; set them to one slot, then run again.',
  },
  SSH_AUTH_FAILED: { exit: EXIT.usage, explanation: 'The SSH server refused every key offered (identity_file or the agent).' },
  HOST_KEY_UNKNOWN: {
    exit: EXIT.usage,
    explanation: "The host's SSH key is not in known_hosts; check it and add it (ssh-keyscan) or set ssh.strict_host_keys: false.",
  },
  HOST_KEY_CHANGED: {
    exit: EXIT.usage,
    explanation: "The host's SSH key differs from the one in known_hosts: possibly a man-in-the-middle; nothing was sent.",
  },
  MIGRATIONS_MISCONFIGURED: {
    exit: EXIT.usage,
    explanation: 'The migrations section cannot be used: the database URL variable is not set, or the migrations dir is missing.',
  },
  MIGRATION_FAILED: {
    exit: EXIT.runFailed,
    explanation:
      'A migration (or asking which are applied) failed; nothing was switched, and the message lists the migrations applied ' +
      'now.',
  },
  IRREVERSIBLE_MIGRATION: {
    exit: EXIT.blocked,
    explanation: 'The rollback would have to revert an irreversible migration: only a forward fix is possible; nothing was touched.',
  },
  MANUAL_STEP: {
    exit: EXIT.blocked,
    explanation: 'The run paused before the switch: an operator must revert a migration by hand, then `rewind resume RUN`.',
  },
  INTERRUPTED_RUN: {
    exit: EXIT.blocked,
    explanation:
      'An interrupted or paused run holds this environment: continue it with `rewind resume RUN` or give it up with ' +
      '`rewind abandon RUN --reason ...`; nothing was planned or changed.',
  },
  PORT_IN_USE: {
    exit: EXIT.usage,
    explanation: '`rewind serve` could not listen on the address and port given (in use, privileged, or not this machine\'s); ' +
      "or a blue/green slot's port is taken by a program rewind did not start there: nothing was started.",
  },
  WATCH_NOT_CONFIGURED: {
    exit: EXIT.usage,
    explanation: 'The environment has no `watch:` section (tiers of conditions) to watch the live release with.',
  },
  WATCH_ESCALATED: {
    exit: EXIT.blocked,
    explanation:
      'A tier-2 watch condition held for its window: the watch waits for a human, who rolls back (`rewind rollback --apply`) ' +
      'or dismisses it (`rewind watch --dismiss RUN --reason ...`).',
  },
  WATCH_ROLLED_BACK: {
    exit: EXIT.runFailed,
    explanation: 'A tier-1 watch condition held for its window: the release was rolled back to the last known good.',
  },
  LOCK_HELD: { exit: EXIT.blocked, explanation: 'Another run holds this environment; wait for it or check who holds it.' },
  LOCK_LOST: {
    exit: EXIT.blocked,
    explanation:
      "This run lost the environment's lock (its lease could not be renewed, or another run took it over): it stopped " +
      'before its next step and marked nothing.',
  },
  APPROVAL_REQUIRED: { exit: EXIT.blocked, explanation: 'The plan needs approval by someone on the approver list before it can run.' },
  APPROVAL_UNSIGNED: {
    exit: EXIT.blocked,
    explanation:
      'approval.allowed_signers is set, so only an approval signed with an approver\'s SSH key counts (`rewind approve RUN --key ' +
      'FILE`); an unsigned approval or --auto-approve does not, and the run keeps waiting.',
  },
  NO_KNOWN_GOOD: {
    exit: EXIT.noKnownGood,
    explanation: 'There is no known good version to go back to (severity 1): manual intervention needed.',
  },
  INTERNAL: { exit: EXIT.runFailed, explanation: 'An unexpected error inside rewind; rerun with --verbose and report it.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERRORS;

export class RewindError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for --json output and reports (never secrets). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RewindError';
    this.code = code;
    this.details = details;
  }

  get exitCode(): ExitCode {
    return ERRORS[this.code].exit;
  }
}

export function isRewindError(error: unknown): error is RewindError {
  return error instanceof RewindError;
}

/** Turn anything thrown into a RewindError, keeping the original as the cause. */
export function asRewindError(error: unknown): RewindError {
  if (isRewindError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RewindError('INTERNAL', message, {}, { cause: error });
}
