import { join } from 'node:path';
import { RewindError } from '../core/errors.js';
import { dataLossIn } from '../core/migrations/dataLoss.js';
import { reversibilityOf } from '../core/migrations/reversibility.js';
import { migrationsToRevert } from '../core/migrations/toRevert.js';
import type { MigrationTool } from '../core/migrations/tool.js';
import type { PlanMigration } from '../core/plan.js';
import type { Release } from '../core/release.js';
import type { Step } from '../engine/runSteps.js';
import type { EnvDeps } from './deps.js';
import type { Target } from '../core/target.js';
import type { PlanStep } from '../core/plan.js';
import type { StepContext } from './stepContext.js';

/**
 * Migrations run once per environment, with the code of the first host: the
 * sql tool connects from this machine and reads the release's files there;
 * knex and command tools run in the release dir on that host.
 */
export async function releaseDirOf(deps: EnvDeps, version: string): Promise<string> {
  const first = deps.targets[0];
  const dir = first ? (await first.driver.vars(version)).release_dir : undefined;
  if (!dir) {
    throw new RewindError(
      'MIGRATIONS_MISCONFIGURED',
      `migrations need a release dir: the ${deps.driverKind} driver gives none for ${version}`,
    );
  }
  return dir;
}

/** Deploy: apply what the new release brings, before the switch, and record it on the release. */
export function migrateStep(_step: PlanStep, ctx: StepContext): Step {
  const { deps, release } = ctx;
  const tool = deps.migrations;
  if (!tool) {
    return {
      name: `migrate the database for ${release.version}`,
      run: async () => {
        throw new RewindError(
          'MIGRATIONS_MISCONFIGURED',
          'the plan migrates the database, but the environment has no migrations section now',
        );
      },
    };
  }
  return {
    name: `migrate the database for ${release.version}`,
    run: async () => {
      const dir = await releaseDirOf(deps, release.version);
      const before = await tool.applied(dir);
      // What this release applied is the set after minus the set before, recorded even when a
      // later file fails: a rollback must know about the ones that went in.
      const record = async (): Promise<string[]> => {
        const added = (await tool.applied(dir)).filter((id) => !before.includes(id));
        // A resumed deploy keeps what an earlier attempt of this step recorded.
        release.migrations = [...new Set([...release.migrations, ...added])];
        await deps.ledger.updateRelease(release.id, { migrations: release.migrations });
        return added;
      };
      try {
        await tool.migrate(dir);
      } catch (error) {
        await record().catch(() => undefined);
        throw error;
      }
      const added = await record();
      return added.length > 0 ? `applied ${added.join(', ')}` : 'no pending migrations';
    },
  };
}

/** Planning: what a rollback from `failed` to `target` reverts, read from the failed release's files. */
export async function planMigrations(
  deps: EnvDeps,
  releases: readonly Release[],
  failed: { releaseId: string; version: string },
  target: { releaseId: string },
): Promise<PlanMigration[]> {
  const tool = deps.migrations;
  const config = deps.env.migrations;
  if (!tool || !config) return [];
  const dir = await releaseDirOf(deps, failed.version);
  const toRevert = migrationsToRevert(releases, failed.releaseId, target.releaseId, await tool.applied(dir));
  // Without the failed release's files every migration would look irreversible: say what is really wrong.
  if (toRevert.length > 0 && !(await (deps.targets[0] as Target).files.exists(dir))) {
    throw new RewindError(
      'MIGRATIONS_MISCONFIGURED',
      `the down steps of ${toRevert.map((m) => m.id).join(', ')} are in ${failed.version}'s release dir ${dir}, ` +
        `which is missing: restore it (or redeploy ${failed.version}) before rolling back`,
    );
  }
  return Promise.all(toRevert.map(async ({ id, appliedBy }) => {
    const source = await tool.source(id, dir);
    const reversibility = reversibilityOf(id, source, { default: config.reversibility, overrides: config.overrides });
    return {
      id,
      appliedBy,
      reversibility,
      dataLoss: source.down ? dataLossIn(source.down, source.language) : [],
      downPath: source.downPath,
    };
  }));
}

/**
 * Rollback: one step per migration, newest first, run with the failed
 * release's code before anything switches. A manual one pauses the run
 * until an operator confirms it was done (ctx.confirmedStepId, see resume).
 */
export function revertStep(step: PlanStep, ctx: StepContext): Step {
  const { deps, leaving: from } = ctx;
  const m = ctx.migrations.find((each) => each.id === step.migration);
  const tool = deps.migrations;
  if (!tool || !m || !from) {
    return {
      name: `revert migration ${step.migration ?? '?'}`,
      run: async () => {
        throw new RewindError(
          'MIGRATIONS_MISCONFIGURED',
          `the plan reverts migration ${step.migration ?? '?'}, but the environment has no migrations section now`,
        );
      },
    };
  }
  return m.reversibility === 'manual'
    ? manualStep(deps, tool, from, m, ctx.run.runId, ctx.confirmedStepId === step.id)
    : autoStep(deps, tool, from, m);
}

export function manualStepName(id: string): string {
  return `operator reverts migration ${id}`;
}

function autoStep(deps: EnvDeps, tool: MigrationTool, from: Release, m: PlanMigration): Step {
  return {
    name: `revert migration ${m.id}`,
    run: async () => {
      const dir = await releaseDirOf(deps, from.version);
      // A resumed run repeats this step: an id no longer applied was reverted already.
      if (!(await tool.applied(dir)).includes(m.id)) return `${m.id} is not applied: nothing to revert`;
      let detail: string;
      try {
        detail = await tool.revert(m.id, dir);
      } catch (error) {
        throw await withAppliedNow(tool, dir, error);
      }
      const still = await tool.applied(dir);
      if (still.includes(m.id)) {
        throw await withAppliedNow(
          tool,
          dir,
          new RewindError('MIGRATION_FAILED', `the down step of ${m.id} ran but ${m.id} is still applied`),
        );
      }
      return `${detail} with ${from.version}'s code${m.dataLoss.length > 0 ? ` (lost: ${m.dataLoss.join(', ')})` : ''}`;
    },
    simulate: async () =>
      `would revert ${m.id} with ${from.version}'s ${m.downPath ?? 'down step'}` +
      `${m.dataLoss.length > 0 ? `, losing ${m.dataLoss.join(', ')}` : ''}`,
  };
}

function manualStep(deps: EnvDeps, tool: MigrationTool, from: Release, m: PlanMigration, runId: string, confirmed: boolean): Step {
  return {
    name: manualStepName(m.id),
    run: async () => {
      if (confirmed) {
        await tool.forget(m.id);
        return `${deps.user} confirmed that ${m.id} was reverted by hand`;
      }
      const dir = await releaseDirOf(deps, from.version);
      const file = m.downPath ? join(dir, m.downPath) : `the migration files of ${from.version} (${dir})`;
      throw new RewindError(
        'MANUAL_STEP',
        `migration ${m.id} must be reverted by an operator: apply its down step (${file}) to the database by hand, ` +
          `then run \`rewind resume ${runId}\` to confirm and continue`,
        { migration: m.id, downFile: file, runId },
      );
    },
    simulate: async () => `would pause for an operator to revert ${m.id} by hand (${m.downPath ?? 'no down file'})`,
  };
}

/** A failed down step says which migrations are applied now: that is the state the operator starts from. */
async function withAppliedNow(tool: MigrationTool, dir: string, error: unknown): Promise<RewindError> {
  const message = error instanceof Error ? error.message : String(error);
  let now: string[] | undefined;
  try {
    now = await tool.applied(dir);
  } catch {
    now = undefined;
  }
  const state = now === undefined ? 'which migrations are applied now could not be read' : `applied now: ${now.join(', ') || 'none'}`;
  return new RewindError('MIGRATION_FAILED', `${message}; nothing was switched; ${state}`, { appliedNow: now ?? null });
}
