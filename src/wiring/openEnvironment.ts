import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { selectEnvironment } from '../config/environments.js';
import { resolvePaths } from '../config/paths.js';
import { ignoreEvents, type EventSink } from '../core/events.js';
import { leaseMsFromEnv } from '../core/rewindEnv.js';
import type { DriverModule } from '../core/driver.js';
import { systemClock } from './clock.js';
import { createGuardedFiles } from '../exec/guardedFiles.js';
import { createLocalExec } from '../exec/localExec.js';
import { sshKeygenSigner } from '../exec/sshKeygen.js';
import { secretsFromEnv } from '../exec/redact.js';
import { postgresSecrets } from '../ledger/postgresUrl.js';
import { createMigrationTool } from '../migrations/index.js';
import { withEnv } from '../exec/withEnv.js';
import { faultFromEnv } from '../exec/faults.js';
import { processIdentity } from '../exec/processIdentity.js';
import { createNotifier, notifierSecrets } from '../notify/index.js';
import { httpVerifier } from '../verify/verifier.js';
import { watchConfigOf } from '../config/watchConfig.js';
import { configProblemsError } from '../config/parse.js';
import { whoIsActing } from './actor.js';
import { auditKeyFromEnv } from './auditKey.js';
import type { EnvDeps } from '../operations/deps.js';
import { driverWriteRoots, environmentTargets } from './targets.js';
import { ledgerLocation, ledgerSecrets, openKeptLedger } from './openLedger.js';

export interface OpenOptions {
  cwd: string;
  configFile?: string;
  envName?: string;
  events?: EventSink;
  /** Milestones of opening (config read, each host's login and sessions, ledger open): what REWIND_TIMELINE=1 prints. */
  phases?: (what: string) => void;
  /** Connect to remote hosts right away (commands that will act on them), rather than on first use. */
  warmHosts?: boolean;
  /** Defaults to process.env: where REWIND_USER and secrets to redact come from. */
  processEnv?: NodeJS.ProcessEnv;
  /** A one-time password for a registry that asks for one (DriverIo.oneTimePassword). */
  oneTimePassword?: (why: string) => Promise<string | undefined>;
  /** The driver list; the real one (src/drivers/index.ts) unless a test brings its own. */
  drivers?: readonly DriverModule<any>[];
  /** --new-ledger: an empty ledger is wanted even though the targets or reports show an earlier history (audited). */
  newLedger?: boolean;
  /** Open the ledger as it is, even when it was lost: for `ledger rebuild`, which fills it. */
  acceptLostLedger?: boolean;
}

export interface OpenEnvironment extends EnvDeps {
  loaded: LoadedConfig;
  /** The ledger's file, or its PostgreSQL URL without the password. */
  ledgerFile: string;
  close(): Promise<void>;
}


/**
 * The composition root for one environment: load the config, then build the
 * real ledger, runner, write guard and driver that operations take as arguments.
 */
export async function openEnvironment(options: OpenOptions): Promise<OpenEnvironment> {
  const processEnv = options.processEnv ?? process.env;
  const events = options.events ?? ignoreEvents;
  const phase = options.phases ?? (() => undefined);
  // Read first: a malformed value is a usage error before anything is opened.
  const leaseMs = leaseMsFromEnv(processEnv);
  const loaded = await loadConfig({ cwd: options.cwd, file: options.configFile });
  const { name, env } = selectEnvironment(loaded, options.envName);
  phase('config read');
  const paths = resolvePaths(loaded);
  const location = ledgerLocation(loaded, paths.stateDir, processEnv);
  const keying = auditKeyFromEnv(loaded, processEnv);
  // The app database's URL is a secret whatever its variable is called.
  const databaseUrl = env.migrations ? processEnv[env.migrations.database_url_env] : undefined;
  const dbSecrets = databaseUrl ? [databaseUrl, ...postgresSecrets(databaseUrl)] : [];
  const secrets = [
    ...secretsFromEnv(processEnv),
    ...secretsFromEnv(env.env),
    ...notifierSecrets(env.notify, processEnv),
    ...ledgerSecrets(location),
    ...dbSecrets,
    ...keying.secrets,
  ];
  const exec = withEnv(createLocalExec({ secrets }), env.env);
  const notifier = env.notify.length > 0 ? createNotifier(env.notify, { env: processEnv }) : undefined;
  const files = createGuardedFiles([...paths.writeRoots, ...driverWriteRoots(env, loaded.dir, options.drivers)]);
  const hosts = environmentTargets({
    app: loaded.config.app, envName: name, env, configDir: loaded.dir, stateDir: paths.stateDir,
    localExec: exec, localFiles: files, secrets, drivers: options.drivers, events, phase, variables: processEnv,
    oneTimePassword: options.oneTimePassword,
  });
  const { targets } = hosts;
  // Before anything else that takes the CPU: the handshakes go on meanwhile.
  if (options.warmHosts) await hosts.warmUp();
  // A name that would forge records is refused (UNSAFE_ACTOR) before anything is written; the hosts are let go.
  const user = await whoIsActing(processEnv, exec).catch(async (error: unknown) => {
    await hosts.close();
    throw error;
  });
  await files.mkdir(paths.stateDir);
  const guard = options.acceptLostLedger ? undefined : {
    app: loaded.config.app, envName: name, targets, concurrency: env.concurrency, files, stateDir: paths.stateDir,
    ledgerLabel: location.label, newLedger: options.newLedger === true, user, clock: systemClock,
  };
  // Opened last, so that nothing above can fail and leave it open.
  const auditing = { key: keying.key, actor: user, now: () => systemClock.now() };
  const ledger = await openKeptLedger(location, files, guard, auditing).catch(async (error: unknown) => {
    await hosts.close();
    throw error;
  });
  phase('ledger open');
  return {
    loaded,
    ledgerFile: location.label,
    app: loaded.config.app,
    envName: name,
    env,
    stateDir: paths.stateDir,
    ledger,
    targets,
    fleet: { concurrency: env.concurrency, canary: env.canary, batch: env.batch ?? targets.length },
    driverKind: env.driver,
    scope: hosts.scope,
    exec,
    files,
    clock: systemClock,
    user,
    events,
    random: () => randomBytes(2).toString('hex'),
    self: processIdentity(),
    leaseMs,
    verifier: httpVerifier,
    watch: env.watch ? watchConfigOf(env.watch) : undefined,
    configError: (problems) => configProblemsError(loaded.text ?? '', loaded.label ?? loaded.file, problems),
    secrets,
    auditKey: keying.key,
    auditKeyEnv: keying.variable,
    migrations: env.migrations && targets[0] ? createMigrationTool(env.migrations, targets[0], processEnv) : undefined,
    notify: notifier ? (n) => notifier.notify(n) : undefined,
    faults: faultFromEnv(processEnv.REWIND_FAULT_KILL_AT),
    signer: env.approval.allowed_signers === undefined ? undefined : sshKeygenSigner({
      allowedSigners: resolve(loaded.dir, env.approval.allowed_signers),
      files,
      scratchDir: join(paths.stateDir, 'signing'),
      env: processEnv,
    }),
    close: async () => {
      await hosts.close();
      await ledger.close();
    },
  };
}
