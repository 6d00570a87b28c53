// A TypeScript project that installed the rewind tarball: type-checked (never run) by
// test/library/package.test.ts with `tsc --noEmit --strict --module nodenext`. Every
// `@ts-expect-error` must meet an error, so the types are real, not `any`.
import {
  EXIT, ERRORS, RewindError, applyRollback, approveRun, deploy, drill, history, isRewindError, loadConfig, loadSavedPlan,
  openEnvironment, parseConfigText, planRollbackRun, recordDeployment, resumeRun, selectEnvironment, status,
} from 'rewind';
import type {
  DeployResult, Driver, DriverModule, DrillResult, EnvDeps, EnvironmentConfig, ErrorCode, ExitCode, History, LiveState, LoadedConfig,
  OpenEnvironment, PlannedRollback, Release, ReleaseStatus, ResumeResult, RewindConfig, RiskLevel, RollbackPlan, RollbackRequest,
  RollbackResult, Run, RunEvent, StatusReport, StepOutcome, Verification,
} from 'rewind';

/** Plan a rollback of production, show it, and carry it out when it needs no approval. */
export async function rollBack(cwd: string): Promise<ExitCode> {
  const seen: string[] = [];
  const env: OpenEnvironment = await openEnvironment({
    cwd,
    envName: 'production',
    events: (event: RunEvent) => {
      if (event.type === 'step.finished') seen.push(`${event.name}: ${event.ok ? 'ok' : 'FAILED'} in ${event.durationMs} ms`);
    },
  });
  try {
    const request: RollbackRequest = { reason: 'error rate above 5%' };
    const planned: PlannedRollback = await planRollbackRun(env, request);
    const plan: RollbackPlan = planned.plan;
    const risk: RiskLevel = plan.riskLevel;
    const target: string = plan.to.version;
    const planMd: string = planned.files.planMd;
    console.log(`${plan.from.version} -> ${target} (${risk} risk, plan in ${planMd})`);
    if (plan.approvalRequired) return EXIT.blocked;
    const again: PlannedRollback = await loadSavedPlan(env, { runId: planned.run.id });
    const result: RollbackResult = await applyRollback(env, again, { autoApprove: false, confirmManual: async (question: string) => question.length > 0 });
    const steps: StepOutcome[] = result.outcomes;
    const verified: boolean | undefined = result.verification?.ok;
    console.log(steps.map((s) => s.name), verified, result.liveAfter, result.files.reportMd, result.hosts.map((h) => h.version));
    return result.ok ? EXIT.ok : (result.error?.exitCode ?? EXIT.runFailed);
  } catch (error) {
    if (error instanceof RewindError) {
      const code: ErrorCode = error.code;
      console.error(code, ERRORS[code].explanation, error.details);
      return error.exitCode;
    }
    throw error;
  } finally {
    await env.close();
  }
}

/** Operations take their I/O as an argument: any EnvDeps will do, not only the one openEnvironment builds. */
export async function lastKnownGood(deps: EnvDeps): Promise<Release | undefined> {
  const report: StatusReport = await status(deps);
  const drift: string[] = report.drift;
  const observed: LiveState = report.observed;
  console.log(drift, observed.version, report.health?.ok);
  return report.lastKnownGood;
}

export async function everythingElse(env: OpenEnvironment): Promise<void> {
  const deployed: DeployResult = await deploy(env, { version: 'v3', autoRollback: true, reason: 'release train' });
  const verification: Verification | undefined = deployed.verification;
  const rolledBack: RollbackResult | undefined = deployed.rollback;
  console.log(verification?.reason, rolledBack?.ok, deployed.rollbackSkipped, deployed.pruned);

  const recorded: Release = await recordDeployment(env, { version: 'v4', sha: 'abc1234', status: 'verified', source: 'ci' });
  const releaseStatus: ReleaseStatus = recorded.status;
  const past: History = await history(env, 10);
  const runs: Run[] = past.runs;
  const rehearsal: DrillResult = await drill(env, { targetVersion: 'v1' });
  const approved: Run = await approveRun(env, runs[0]?.id ?? 'none');
  const resumed: ResumeResult = await resumeRun(env, approved.id, { autoApprove: true });
  const resumedOk: boolean = resumed.kind === 'deploy' ? resumed.result.ok : resumed.result.ok;
  console.log(releaseStatus, rehearsal.drillLog, rehearsal.durationMs, resumedOk, await lastKnownGood(env));

  // @ts-expect-error a deploy needs its version
  await deploy(env, { autoRollback: true });
  // @ts-expect-error record takes verified or failed, nothing else
  await recordDeployment(env, { version: 'v5', sha: null, status: 'maybe' });
  // @ts-expect-error operations need an environment's I/O
  await status({});
}

export async function configuration(cwd: string): Promise<EnvironmentConfig> {
  const loaded: LoadedConfig = await loadConfig({ cwd });
  const config: RewindConfig = parseConfigText('app: shop\nenvironments: {}\n', 'inline.yaml');
  console.log(config.app, loaded.file);
  const { name, env } = selectEnvironment(loaded);
  console.log(name, env.driver, env.health?.url);
  return env;
}

export function classify(error: unknown): ExitCode {
  if (!isRewindError(error)) return EXIT.runFailed;
  if (error.code === 'NO_KNOWN_GOOD') return EXIT.noKnownGood;
  // @ts-expect-error not a code of the error table
  const bad: ErrorCode = 'NOT_A_CODE';
  console.log(bad);
  return error.exitCode;
}

/** The driver interface, implemented outside rewind. */
export const inMemory: Driver = {
  kind: 'memory',
  inspect: async (): Promise<LiveState> => ({ version: null, artifact: null, problems: [] }),
  prepare: async (version: string) => ({ version, sha: null, artifact: `memory:${version}`, reused: false }),
  isPresent: async () => true,
  activate: async () => undefined,
  prune: async () => [],
  vars: async (version: string) => ({ version }),
};
export const scopes: DriverModule['scope'][] = ['host', 'environment'];
